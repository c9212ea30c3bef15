package dev.aegis.cli.ctl;

import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.checkpoint.CheckpointProblem;
import java.util.List;

/**
 * Everything verify found about one chain: the chain's own verdict, the seqs whose bodies were
 * redacted or shredded (encrypted under a deleted tenant key; both reported, not tampering), and
 * how it compares with its checkpoints ({@code checkpoints} is how many were checked).
 */
record ChainCheck(
    VerifyResult chain,
    List<Long> redacted,
    List<Long> shredded,
    int checkpoints,
    List<CheckpointProblem> problems) {

  ChainCheck {
    redacted = List.copyOf(redacted);
    shredded = List.copyOf(shredded);
    problems = List.copyOf(problems);
  }

  /** A chain checked without checkpoints, redactions or encrypted bodies. */
  static ChainCheck of(VerifyResult chain) {
    return new ChainCheck(chain, List.of(), List.of(), 0, List.of());
  }

  /** Valid when the chain is and no checkpoint disagrees with it. */
  boolean valid() {
    return chain.valid() && problems.isEmpty();
  }
}
