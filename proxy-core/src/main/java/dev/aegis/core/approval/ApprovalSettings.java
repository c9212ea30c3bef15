package dev.aegis.core.approval;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.InstantSource;

/**
 * How the proxy obtains approvals for calls the policy marks {@code require_approval}.
 *
 * @param store where operator approvals are persisted; null disables the operator channel (calls
 *     are then refused with APPROVAL_REQUIRED and no token)
 * @param signer signs tokens and MRTR request states
 * @param holdFor how long a call is held waiting for a decision before the client gets
 *     APPROVAL_REQUIRED with a token to retry with ({@code --approval-wait}; 0 = do not hold)
 * @param ttl how long a token (or request state) stays valid ({@code --approval-ttl})
 * @param poll how often a held call looks for an operator's decision
 * @param clock wall time for expiry (not used by the reducer)
 */
public record ApprovalSettings(
    ApprovalStore store,
    ApprovalSigner signer,
    Duration holdFor,
    Duration ttl,
    Duration poll,
    InstantSource clock) {
  /** Defaults: hold 30 s, tokens valid 10 min, poll every 250 ms. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  /** The seed's token lifetime. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /** Checks the parts. */
  public ApprovalSettings {
    requireNonNull(signer, "signer");
    requireNonNull(holdFor, "holdFor");
    requireNonNull(ttl, "ttl");
    requireNonNull(poll, "poll");
    requireNonNull(clock, "clock");
    if (holdFor.isNegative()
        || ttl.isNegative()
        || ttl.isZero()
        || poll.isNegative()
        || poll.isZero()) {
      throw new IllegalArgumentException("approval hold >= 0, ttl > 0 and poll > 0 required");
    }
  }

  /** No operator channel: a fresh random key, no store (for tests and unguarded wiring). */
  public static ApprovalSettings withoutStore() {
    return new ApprovalSettings(
        null,
        new ApprovalSigner(ApprovalSigner.newKey()),
        Duration.ZERO,
        DEFAULT_TTL,
        Duration.ofMillis(250),
        InstantSource.system());
  }
}
