package dev.aegis.guard.manifest;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a {@link TrustPolicy} decided about a manifest.
 *
 * @param status trusted, accepted untrusted (dev mode) or rejected (prod mode)
 * @param keyId the signature's key id, null when unsigned
 * @param message what happened: the warning when accepted untrusted, the problem when rejected
 */
public record TrustResult(Status status, String keyId, String message) {
  /** The three verdicts. */
  public enum Status {
    /** A valid signature by a trusted key. */
    TRUSTED,
    /** Unsigned, untrusted or invalid, accepted because the mode is dev: warn. */
    ACCEPTED_UNTRUSTED,
    /** Unsigned, untrusted or invalid in prod mode: the manifest must not be used. */
    REJECTED
  }

  /** Checks the parts. */
  public TrustResult {
    requireNonNull(status, "status");
    requireNonNull(message, "message");
  }

  /** True unless rejected. */
  public boolean accepted() {
    return status != Status.REJECTED;
  }

  /** The warning to print when accepted untrusted. */
  public Optional<String> warning() {
    return status == Status.ACCEPTED_UNTRUSTED ? Optional.of(message) : Optional.empty();
  }
}
