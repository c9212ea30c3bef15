package dev.aegis.core.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A decision plus the evidence sealed with it in POLICY_DECISION: engine, latency, digests of the
 * bundle and manifest in force, the snapshot the policy saw, and a loop's cycle trace.
 */
public record GuardDecision(Decision decision, ObjectNode evidence) {
  /** Checks the parts. */
  public GuardDecision {
    requireNonNull(decision, "decision");
    requireNonNull(evidence, "evidence");
  }
}
