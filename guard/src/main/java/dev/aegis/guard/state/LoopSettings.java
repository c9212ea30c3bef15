package dev.aegis.guard.state;

import dev.aegis.guard.manifest.Manifest;

/**
 * Loop detector thresholds, from the manifest's {@code permissions.loops} (defaults live with the
 * manifest, {@link Manifest.Loops}). Validated on construction.
 *
 * @param identicalCallThreshold the Nth identical call (same tool, same arguments) in the window is
 *     a loop; the seed fired on the 2nd, which blocks honest retries
 * @param noProgressThreshold this many consecutive results of the same tool with the same content
 *     mean the agent is not progressing
 * @param sequenceMinLength shortest repeating sequence of tool names checked
 * @param sequenceMaxLength longest repeating sequence of tool names checked
 * @param window how many past proposals are remembered
 */
public record LoopSettings(
    int identicalCallThreshold,
    int noProgressThreshold,
    int sequenceMinLength,
    int sequenceMaxLength,
    int window) {
  /** The manifest's documented defaults. */
  public static final LoopSettings DEFAULTS = of(Manifest.Loops.DEFAULTS);

  /** The thresholds a manifest declares (validated there, and again here). */
  public static LoopSettings of(Manifest.Loops l) {
    return new LoopSettings(
        l.identicalCallThreshold(),
        l.noProgressThreshold(),
        l.sequenceMinLength(),
        l.sequenceMaxLength(),
        l.window());
  }

  /** Validates the thresholds. */
  public LoopSettings {
    if (identicalCallThreshold < 2) {
      throw new IllegalArgumentException(
          "identical_call_threshold: " + identicalCallThreshold + " (expected: >= 2)");
    }
    if (noProgressThreshold < 2) {
      throw new IllegalArgumentException(
          "no_progress_threshold: " + noProgressThreshold + " (expected: >= 2)");
    }
    if (sequenceMinLength < 2 || sequenceMaxLength < sequenceMinLength) {
      throw new IllegalArgumentException(
          "sequence lengths: "
              + sequenceMinLength
              + ".."
              + sequenceMaxLength
              + " (expected: 2 <= min <= max)");
    }
    if (window < Math.max(identicalCallThreshold, 2 * sequenceMaxLength)) {
      throw new IllegalArgumentException(
          "window: " + window + " (expected: >= identical_call_threshold and >= 2 x max length)");
    }
  }
}
