package dev.aegis.core.chain;

import static java.util.Objects.requireNonNull;

/**
 * The record that a frame body was erased: which event's body, the digest it had (the one the chain
 * commits to), why, by whom and when. Immutable.
 */
public record Redaction(
    String tenantId,
    String sessionId,
    long seq,
    String bodySha256,
    String reason,
    String redactedBy,
    long redactedUnixMs) {

  /** Validates the key; reason and redactedBy default to "". */
  public Redaction {
    requireNonNull(tenantId, "tenantId");
    requireNonNull(sessionId, "sessionId");
    requireNonNull(bodySha256, "bodySha256");
    reason = reason == null ? "" : reason;
    redactedBy = redactedBy == null ? "" : redactedBy;
  }
}
