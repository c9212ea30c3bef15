package dev.aegis.transport.http;

import dev.aegis.core.pipeline.ProxySession;

/**
 * Opens the core session for one new MCP session: its own chain, guard, approvals and pins (the CLI
 * wires the concrete classes). Called on a worker thread, never on an event loop; it may block on
 * the chain store.
 */
@FunctionalInterface
public interface SessionFactory {
  /**
   * Opens the chain of a new Aegis session, seals SESSION_STARTED and returns the started session.
   * Throws (any runtime exception) when the chain cannot be started; the client is then refused.
   */
  ProxySession open();
}
