package dev.aegis.guard.manifest;

import java.util.List;

/**
 * A manifest that cannot be used: every problem found, each a line of the form {@code manifest:
 * <field>: <message> (expected: ...)}. The message is the problems, one per line.
 */
public final class ManifestException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The problems; never empty. */
  private final List<String> problems;

  /** An exception listing the problems (at least one). */
  public ManifestException(List<String> problems) {
    super(String.join("\n", problems), null, false, false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: empty (expected: at least one)");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order found. */
  public List<String> problems() {
    return problems;
  }
}
