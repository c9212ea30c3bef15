package dev.aegis.core.metrics;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.PolicyEngine;
import java.util.concurrent.CompletableFuture;

/**
 * A policy engine that reports each decision (outcome, reason, latency) to {@link ProxyMetrics}.
 * Same threading and failure contract as the engine it wraps: the report runs on the thread that
 * completes the decision.
 */
public final class MeteredPolicyEngine implements PolicyEngine {
  private final PolicyEngine engine;
  private final ProxyMetrics metrics;

  /** Wraps {@code engine}. */
  public MeteredPolicyEngine(PolicyEngine engine, ProxyMetrics metrics) {
    this.engine = requireNonNull(engine, "engine");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  @Override
  public CompletableFuture<Decision> decide(JsonNode input) {
    long start = System.nanoTime();
    return engine
        .decide(input)
        .whenComplete(
            (d, err) ->
                metrics.decided(
                    engine.name(),
                    d != null ? d : Decision.policyError(),
                    System.nanoTime() - start));
  }

  @Override
  public String name() {
    return engine.name();
  }

  @Override
  public String bundleDigest() {
    return engine.bundleDigest();
  }

  @Override
  public void close() {
    engine.close();
  }
}
