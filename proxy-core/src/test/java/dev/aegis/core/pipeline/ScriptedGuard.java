package dev.aegis.core.pipeline;

import dev.aegis.core.event.Envelope;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.guard.ToolCallGuard;
import dev.aegis.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A guard whose decisions the test scripts, to exercise the pipeline's handling of each outcome.
 * The real guard (reducer + policy engines) is tested in the guard module and end to end.
 */
final class ScriptedGuard implements ToolCallGuard {
  final List<Envelope> observed = new ArrayList<>();
  private final Function<Envelope, CompletableFuture<GuardDecision>> decider;

  ScriptedGuard(Function<Envelope, CompletableFuture<GuardDecision>> decider) {
    this.decider = decider;
  }

  static ScriptedGuard always(Decision d) {
    return new ScriptedGuard(
        e ->
            CompletableFuture.completedFuture(
                new GuardDecision(d, Json.object().put("engine", "scripted"))));
  }

  @Override
  public synchronized void observe(Envelope sealed) {
    observed.add(sealed);
  }

  @Override
  public CompletableFuture<GuardDecision> decide(Envelope proposal) {
    return decider.apply(proposal);
  }

  /** Lists every tool except those named "hidden*". */
  @Override
  public boolean lists(String toolName) {
    return !toolName.startsWith("hidden");
  }

  synchronized List<String> types() {
    return observed.stream().map(Envelope::eventType).toList();
  }
}
