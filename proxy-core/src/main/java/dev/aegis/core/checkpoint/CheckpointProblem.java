package dev.aegis.core.checkpoint;

/** One way a chain disagrees with its checkpoints, at a seq, with a one-line detail. */
public record CheckpointProblem(Kind kind, long seq, String detail) {

  /** What went wrong; the names are stable (printed by aegisctl verify). */
  public enum Kind {
    /** The chain ends before a checkpoint's seq: its tail was cut off. */
    TRUNCATED,
    /** The chain's hash at a checkpoint's seq is not the checkpointed head hash. */
    REWRITTEN,
    /** The chain records a checkpoint at this seq (event) that the checkpoint source lacks. */
    MISSING,
    /** The checkpoint carries no signature while a public key was given. */
    UNSIGNED,
    /** The checkpoint was signed by another key than the one given. */
    OTHER_KEY,
    /** The signature does not match the checkpoint's statement: the checkpoint was altered. */
    BAD_SIGNATURE,
    /** A public key was given but no checkpoint of the chain is signed by it. */
    UNANCHORED
  }

  /** {@code KIND at seq N: detail}. */
  @Override
  public String toString() {
    return kind + " at seq " + seq + ": " + detail;
  }
}
