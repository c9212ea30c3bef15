package dev.aegis.guard.state;

import java.util.List;

/**
 * A detected loop: the reason ({@code LOOP_IDENTICAL_CALL}, {@code LOOP_REPEATING_SEQUENCE}, {@code
 * LOOP_NO_PROGRESS}) and the cycle trace, the seqs of the proposals that form the loop.
 */
public record LoopViolation(String reason, List<Long> cycleTrace) {
  /** Copies the trace. */
  public LoopViolation {
    cycleTrace = List.copyOf(cycleTrace);
  }
}
