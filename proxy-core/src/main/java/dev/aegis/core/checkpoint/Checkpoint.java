package dev.aegis.core.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.event.Hex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A checkpoint: the statement that chain (tenant, session) had {@code headHash} at {@code seq},
 * sealed at {@code tsUnixMs} (the event's own timestamp), optionally signed with Ed25519 by the key
 * {@code keyId}. {@code keyId} and {@code signature} are both null for an unsigned checkpoint.
 * Immutable.
 */
public record Checkpoint(
    String tenantId,
    String sessionId,
    long seq,
    String headHash,
    long tsUnixMs,
    String keyId,
    byte[] signature) {

  /** Validates the shape; the signature is not checked here. */
  public Checkpoint {
    requireNonNull(tenantId, "tenantId");
    requireNonNull(sessionId, "sessionId");
    if (seq < 0) {
      throw new IllegalArgumentException("seq: " + seq + " (expected: >= 0)");
    }
    if (!Hex.isSha256(headHash)) {
      throw new IllegalArgumentException("headHash: " + headHash + " (expected: 64 hex digits)");
    }
    if ((keyId == null) != (signature == null)) {
      throw new IllegalArgumentException("keyId and signature: both or neither");
    }
    signature = signature == null ? null : signature.clone();
  }

  /** The same statement, unsigned. */
  public static Checkpoint unsigned(
      String tenantId, String sessionId, long seq, String headHash, long tsUnixMs) {
    return new Checkpoint(tenantId, sessionId, seq, headHash, tsUnixMs, null, null);
  }

  /** True if it carries a signature. */
  public boolean signed() {
    return signature != null;
  }

  /** The signature bytes (a copy), or null. */
  @Override
  public byte[] signature() {
    return signature == null ? null : signature.clone();
  }

  /** The exact bytes signed: the text of {@link CheckpointNote#statement}, UTF-8. */
  public byte[] statement() {
    return CheckpointNote.statement(this).getBytes(StandardCharsets.UTF_8);
  }

  /** This statement signed by {@code keyId}. */
  public Checkpoint withSignature(String keyId, byte[] signature) {
    return new Checkpoint(
        tenantId,
        sessionId,
        seq,
        headHash,
        tsUnixMs,
        requireNonNull(keyId, "keyId"),
        requireNonNull(signature, "signature"));
  }

  @Override
  public String toString() {
    return "Checkpoint["
        + tenantId
        + "/"
        + sessionId
        + "#"
        + seq
        + " "
        + headHash
        + (keyId == null ? " unsigned" : " key=" + keyId)
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.tenantId.equals(tenantId)
        && c.sessionId.equals(sessionId)
        && c.seq == seq
        && c.headHash.equals(headHash)
        && c.tsUnixMs == tsUnixMs
        && Objects.equals(c.keyId, keyId)
        && Arrays.equals(c.signature, signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenantId, sessionId, seq, headHash);
  }
}
