package dev.aegis.core.chain;

import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.Hex;
import dev.aegis.core.event.SealedScan;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies one chain record by record: contiguity from seq 0, every hash recomputed from the sealed
 * bytes, every indexed column against the sealed bytes, every link, and every frame body against
 * its committed digest. Feed records in stored order; not thread-safe.
 */
public final class ChainVerifier {
  private final String tenantId;
  private final String sessionId;
  private long count;
  private String prevHash;
  private long firstBadSeq = -1;
  private String reason;
  private final Set<Long> redactable = new HashSet<>();
  private final List<Long> redacted = new ArrayList<>();
  // One digest for the whole chain: looking one up per record costs as much as a small hash.
  private final MessageDigest sha256 = Hex.newSha256();

  /** A verifier for one chain. */
  public ChainVerifier(String tenantId, String sessionId) {
    this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
  }

  /**
   * The seqs whose bodies were erased by a recorded redaction: a missing body there is reported by
   * {@link #redacted()}, not as tampering. Adds to those given before; affects the records fed
   * after the call.
   */
  public void redactions(Collection<Long> seqs) {
    redactable.addAll(seqs);
  }

  /** The seqs seen so far whose body is missing because it was redacted, ascending. */
  public List<Long> redacted() {
    return List.copyOf(redacted);
  }

  /** Checks the next record; after the first failure, records are only counted. */
  public void accept(ChainRecord r) {
    long expected = count++;
    if (reason != null) {
      return;
    }
    String problem = check(r, expected);
    if (problem != null) {
      firstBadSeq = expected;
      reason = problem;
      return;
    }
    prevHash = r.hash();
  }

  private String check(ChainRecord r, long expected) {
    if (!r.tenantId().equals(tenantId) || !r.sessionId().equals(sessionId)) {
      return "record belongs to " + r.tenantId() + "/" + r.sessionId();
    }
    if (r.seq() != expected) {
      return r.seq() > expected
          ? "gap: seq " + expected + " is missing (next stored seq is " + r.seq() + ")"
          : "seq out of order: found " + r.seq() + " where " + expected + " was expected";
    }
    if (!sha256(r.sealed()).equals(r.hash())) {
      return "hash mismatch: stored hash is not SHA-256 of the sealed bytes";
    }
    SealedScan scan;
    try {
      scan = SealedScan.of(r.sealed());
    } catch (IllegalArgumentException ex) {
      return "sealed bytes unreadable: " + ex.getMessage();
    }
    if (!scan.canonical()) {
      return "sealed bytes are not canonical (RFC 8785)";
    }
    Envelope e = scan.envelope();
    String column = disagreeingColumn(r, e);
    if (column != null) {
      return "column " + column + " disagrees with the sealed bytes";
    }
    if (!Objects.equals(e.prevHash(), prevHash)) {
      return expected == 0
          ? "genesis record has a prev_hash"
          : "broken link: prev_hash does not match the hash of seq " + (expected - 1);
    }
    return checkBody(r, scan);
  }

  private static String disagreeingColumn(ChainRecord r, Envelope e) {
    if (!e.tenantId().equals(r.tenantId())) {
      return "tenant_id";
    }
    if (!e.sessionId().equals(r.sessionId())) {
      return "session_id";
    }
    if (e.seq() != r.seq()) {
      return "seq";
    }
    if (e.tsUnixMs() != r.tsUnixMs()) {
      return "ts_unix_ms";
    }
    if (!e.eventType().equals(r.eventType())) {
      return "event_type";
    }
    if (!e.userId().equals(r.userId())) {
      return "user_id";
    }
    if (!Objects.equals(e.prevHash(), r.prevHash())) {
      return "prev_hash";
    }
    return null;
  }

  private String checkBody(ChainRecord r, SealedScan scan) {
    if (scan.bodySha256() == null) {
      return r.body() == null ? null : "body stored for an event that commits to none";
    }
    if (r.body() == null) {
      if (redactable.contains(r.seq())) {
        redacted.add(r.seq());
        return null;
      }
      return "frame body missing";
    }
    if (!sha256(r.body()).equals(scan.bodySha256())) {
      return "frame body does not match its committed body_sha256";
    }
    if (scan.bodyLen() != null && scan.bodyLen() != r.body().length) {
      return "frame body length does not match body_len";
    }
    return null;
  }

  private String sha256(byte[] bytes) {
    return Hex.of(sha256.digest(bytes));
  }

  /** The verdict so far; an empty chain is valid with zero events. */
  public VerifyResult result() {
    return new VerifyResult(
        tenantId, sessionId, reason == null, count, firstBadSeq, reason, prevHash);
  }
}
