package dev.aegis.core.chain;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.event.EnvelopeHasher;

/**
 * One stored row of a chain, exactly as written or as read back. {@code sealed} holds the exact
 * canonical bytes that were hashed (the record of truth); the other columns duplicate fields of it
 * for indexing, and verification checks that they agree. {@code body} is the exact frame bytes
 * committed to by the payload's {@code body_sha256}, or null when the event has no body (or the
 * body was redacted).
 */
public record ChainRecord(
    String tenantId,
    String sessionId,
    long seq,
    long tsUnixMs,
    String eventType,
    String userId,
    String prevHash,
    String hash,
    byte[] sealed,
    byte[] body) {

  /** Checks the columns needed to store or read a row; values are not verified here. */
  public ChainRecord {
    requireNonNull(tenantId, "tenantId");
    requireNonNull(sessionId, "sessionId");
    requireNonNull(eventType, "eventType");
    requireNonNull(hash, "hash");
    requireNonNull(sealed, "sealed");
    userId = userId == null ? "" : userId;
  }

  /** The row for a freshly sealed envelope. */
  public static ChainRecord of(EnvelopeHasher.Sealed s, byte[] body) {
    var e = s.envelope();
    return new ChainRecord(
        e.tenantId(),
        e.sessionId(),
        e.seq(),
        e.tsUnixMs(),
        e.eventType(),
        e.userId(),
        e.prevHash(),
        s.hash(),
        s.canonical(),
        body);
  }

  /** The same row with another body (e.g. as stored encrypted, or as opened). */
  public ChainRecord withBody(byte[] newBody) {
    return new ChainRecord(
        tenantId, sessionId, seq, tsUnixMs, eventType, userId, prevHash, hash, sealed, newBody);
  }

  /** Never prints sealed bytes or bodies. */
  @Override
  public String toString() {
    return "ChainRecord["
        + tenantId
        + "/"
        + sessionId
        + "#"
        + seq
        + " "
        + eventType
        + " "
        + hash
        + "]";
  }
}
