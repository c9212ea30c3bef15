package dev.aegis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.guard.PolicyEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The baseline of the in-process engines: no policy at all, only the hand-off an engine that keeps
 * evaluation off the caller's thread cannot avoid (caller → engine thread → caller). Every decision
 * is {@code allow OK}. Not for use outside the bench.
 */
final class HopEngine implements PolicyEngine {
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "bench-hop");
            t.setDaemon(true);
            return t;
          });

  @Override
  public CompletableFuture<Decision> decide(JsonNode input) {
    return CompletableFuture.supplyAsync(() -> new Decision(Outcome.ALLOW, "OK", null), thread);
  }

  @Override
  public String name() {
    return "hop";
  }

  @Override
  public String bundleDigest() {
    return "0".repeat(64);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
