package dev.aegis.core.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of a session's chain, before or after sealing. {@code prevHash} is the previous event's
 * hash as lowercase hex and is null exactly at seq 0. The payload is normalised (see {@link
 * EnvelopeHasher#normalize}) when the envelope is hashed, so build envelopes through {@link
 * EnvelopeHasher#seal}.
 */
public record Envelope(
    String tenantId,
    String userId,
    String sessionId,
    long seq,
    long tsUnixMs,
    String eventType,
    JsonNode payload,
    String prevHash) {

  /** Validates the envelope's shape; payload contents are not inspected. */
  public Envelope {
    requireNonNull(tenantId, "tenantId");
    requireNonNull(sessionId, "sessionId");
    requireNonNull(eventType, "eventType");
    requireNonNull(payload, "payload");
    userId = userId == null ? "" : userId;
    if (seq < 0) {
      throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
    }
    if (seq == 0 && prevHash != null) {
      throw new IllegalArgumentException("prevHash: must be absent at seq 0");
    }
    if (seq > 0 && !Hex.isSha256(prevHash)) {
      throw new IllegalArgumentException(
          "prevHash: " + prevHash + " (expected: 64 lowercase hex digits at seq > 0)");
    }
  }

  /** Payloads may hold frame metadata or arguments: never print them. */
  @Override
  public String toString() {
    return "Envelope["
        + tenantId
        + "/"
        + sessionId
        + "#"
        + seq
        + " "
        + eventType
        + " ts="
        + tsUnixMs
        + "]";
  }
}
