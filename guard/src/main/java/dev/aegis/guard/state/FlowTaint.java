package dev.aegis.guard.state;

import java.util.List;

/**
 * Flow-mode taint of one proposal: which earlier untrusted contents its arguments carry.
 *
 * @param taintedFrom the seqs whose content taints the call, ascending: proposals whose results'
 *     fingerprints the arguments match, plus everything in {@code untrackedFrom}
 * @param untrackedFrom untrusted content the proxy could not track (a result with missing or cut
 *     fingerprints: its proposal's seq; a memory read: its own seq), which taints every call
 */
public record FlowTaint(List<Long> taintedFrom, List<Long> untrackedFrom) {
  /** Copies the lists. */
  public FlowTaint {
    taintedFrom = List.copyOf(taintedFrom);
    untrackedFrom = List.copyOf(untrackedFrom);
  }

  /** Whether the call carries untrusted content. */
  public boolean tainted() {
    return !taintedFrom.isEmpty();
  }
}
