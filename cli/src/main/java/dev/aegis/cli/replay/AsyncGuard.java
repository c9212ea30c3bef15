package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.event.Envelope;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.guard.ToolCallGuard;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A guard whose decisions complete on a thread of their own. In a replay every seal waits for its
 * recorded turn ({@link RecordedOrder}); a decision's continuation (sealing POLICY_DECISION, then
 * TOOL_CALL_ALLOWED…) must therefore not run on the engine's thread, or a continuation waiting for
 * its turn would hold up the next call's decision that comes first. Thread-safe as the delegate.
 */
final class AsyncGuard implements ToolCallGuard {
  private final ToolCallGuard guard;
  private final Executor completions;

  AsyncGuard(ToolCallGuard guard, Executor completions) {
    this.guard = requireNonNull(guard, "guard");
    this.completions = requireNonNull(completions, "completions");
  }

  @Override
  public void observe(Envelope sealed) {
    guard.observe(sealed);
  }

  @Override
  public CompletableFuture<GuardDecision> decide(Envelope proposal) {
    return guard.decide(proposal).thenApplyAsync(d -> d, completions);
  }

  @Override
  public boolean lists(String toolName) {
    return guard.lists(toolName);
  }

  @Override
  public boolean fingerprints(String toolName) {
    return guard.fingerprints(toolName);
  }

  @Override
  public boolean sanitizer(String toolName) {
    return guard.sanitizer(toolName);
  }
}
