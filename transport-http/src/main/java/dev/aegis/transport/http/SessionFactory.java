package dev.aegis.transport.http;

import dev.aegis.core.pipeline.ProxySession;
import java.util.Optional;

/**
 * Opens the core session for one new MCP session: its own chain, guard, approvals and pins (the CLI
 * wires the concrete classes), and, when the CLI keeps session keys, remembers which session a key
 * belongs to and continues that session after a restart. Called on a worker thread, never on an
 * event loop; every method may block on the chain store.
 */
public interface SessionFactory {
  /** The kind of key an {@code Mcp-Session-Id} is (the upstream's, relaying). */
  String MCP_SESSION_ID = "mcp_session_id";

  /** The kind of key a stateless 2026-07-28 request's session key is. */
  String SESSION_KEY = "session_key";

  /**
   * Opens the chain of a new Aegis session, seals SESSION_STARTED and returns the started session.
   * Throws (any runtime exception) when the chain cannot be started; the client is then refused.
   */
  ProxySession open();

  /**
   * Records durably that the key of {@code kind} whose SHA-256 (lowercase hex) is {@code keySha256}
   * belongs to {@code session}. Throws when it cannot; the session goes on without (it cannot be
   * continued after a restart). Does nothing by default.
   */
  default void bind(String kind, String keySha256, ProxySession session) {}

  /**
   * The session the key was bound to, continued: its chain goes on from the stored head, its guard
   * state rebuilt from its events, and SESSION_STARTED sealed again with {@code resumed_at_seq}.
   * Empty when the key is unknown or its session ended for good (a TERMINATION that is not {@code
   * resumable}). Throws when the store cannot be read. Empty by default.
   */
  default Optional<ProxySession> resume(String kind, String keySha256) {
    return Optional.empty();
  }
}
