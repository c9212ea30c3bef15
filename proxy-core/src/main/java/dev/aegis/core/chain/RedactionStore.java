package dev.aegis.core.chain;

import java.util.List;

/**
 * Erasure of stored frame bodies that keeps the chain verifiable: the body goes, a redaction row
 * recording its digest stays, and the event (which commits to the digest) is untouched. The store
 * refuses to remove a body without that row.
 *
 * <p>Threading: thread-safe; every method blocks on the database. Failures: {@link
 * ChainStoreException} (STORE_UNAVAILABLE) when the store cannot be reached or refuses.
 */
public interface RedactionStore {
  /**
   * Records the redaction and removes the body of (tenant, session, seq) in one transaction.
   * Returns the recorded redaction; throws {@link IllegalArgumentException} if the event has no
   * stored body (never had one, or already redacted).
   */
  Redaction redact(
      String tenantId, String sessionId, long seq, String reason, String by, long unixMs);

  /** The redactions of a chain, by seq. */
  List<Redaction> list(String tenantId, String sessionId);
}
