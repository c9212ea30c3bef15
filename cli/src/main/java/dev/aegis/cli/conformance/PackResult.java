package dev.aegis.cli.conformance;

import java.util.List;

/**
 * The results of one pack, in the pack's case order. Immutable.
 *
 * @param pack the pack run
 * @param results one per case
 */
public record PackResult(Pack pack, List<CaseResult> results) {
  /** Copies the list. */
  public PackResult {
    results = List.copyOf(results);
  }

  /** How many cases ended with {@code status}. */
  public long count(CaseResult.Status status) {
    return results.stream().filter(r -> r.status() == status).count();
  }
}
