package dev.aegis.core.chain;

import java.util.Optional;

/**
 * Which Aegis session a transport's session key belongs to, kept beside the chain so that a
 * restarted proxy finds the chain to continue (an HTTP proxy maps the upstream's {@code
 * Mcp-Session-Id} or a stateless request's session key to it). Keys are stored only as SHA-256
 * digests: a session id can be a bearer credential. Thread-safe; every call blocks and throws
 * {@link ChainStoreException} (STORE_UNAVAILABLE) when the store cannot be reached.
 */
public interface SessionKeyStore {

  /**
   * Records that the key with digest {@code keySha256} of {@code kind} (a transport-defined name
   * such as {@code mcp_session_id}) under {@code upstream} belongs to (tenant, session); a key
   * bound before is bound to the new session.
   */
  void bind(String tenantId, String upstream, String kind, String keySha256, String sessionId);

  /** The session the key was last bound to, if any. */
  Optional<String> find(String tenantId, String upstream, String kind, String keySha256);
}
