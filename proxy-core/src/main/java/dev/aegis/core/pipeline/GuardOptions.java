package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * How the guard's decisions are applied.
 *
 * @param audit decide and seal everything, but block nothing ({@code --mode audit})
 * @param denyAsError answer a denied call with the seed's JSON-RPC errors (-32000 deny, -32001
 *     approval) instead of a tool result with {@code isError: true} ({@code --deny-as error})
 */
public record GuardOptions(boolean audit, boolean denyAsError) {
  /** Enforce, and deny with tool results the model can read. */
  public static final GuardOptions DEFAULT = new GuardOptions(false, false);

  /** Nothing to validate; kept for symmetry with the other settings records. */
  public GuardOptions {
    requireNonNull(Boolean.valueOf(audit), "audit");
  }
}
