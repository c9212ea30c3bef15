package dev.aegis.cli.conformance;

import static java.util.Objects.requireNonNull;

/**
 * What one case gave. Immutable.
 *
 * @param test the case
 * @param status passed, failed (a different decision), skipped (not expressible on the target) or
 *     error (the target could not answer)
 * @param gotOutcome the decision's outcome, or null without a decision
 * @param gotReason the decision's reason, or null without a decision
 * @param detail what differed, why skipped, or the error; empty when passed
 */
public record CaseResult(
    PackCase test, Status status, String gotOutcome, String gotReason, String detail) {

  /** A case's status. */
  public enum Status {
    PASSED,
    FAILED,
    SKIPPED,
    ERROR;

    /** The lower-case name used in reports. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Checks the parts. */
  public CaseResult {
    requireNonNull(test, "test");
    requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }
}
