package dev.aegis.cli.metrics;

import dev.aegis.core.guard.Decision;
import dev.aegis.core.metrics.ProxyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The metrics of one process (aegis-proxy or aegisd) in a Micrometer registry, scraped as
 * Prometheus text: decisions by engine, outcome and reason with a latency histogram, store commit
 * latency by result, the sealing queue depth, frames by direction, open sessions and ingested
 * events. Thread-safe.
 */
public final class PrometheusMetrics implements ProxyMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Override
  public void decided(String engine, Decision decision, long nanos) {
    Counter.builder("aegis.decisions")
        .description("Policy decisions of tool-call proposals")
        .tag("engine", engine)
        .tag("outcome", decision.outcome().wireName())
        .tag("reason", decision.reason())
        .register(registry)
        .increment();
    Timer.builder("aegis.decision.latency")
        .description("Time the policy engine took to decide")
        .tag("engine", engine)
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void committed(boolean ok, long nanos) {
    Timer.builder("aegis.store.commit")
        .description("Time from an append to its durable commit (group commit included)")
        .tag("result", ok ? "ok" : "failed")
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one event ingested through the control API. */
  public void ingested(String eventType) {
    Counter.builder("aegis.events.ingested")
        .description("Events sealed through POST /v1/events")
        .tag("event_type", eventType)
        .register(registry)
        .increment();
  }

  /** Frames sealed in one direction, read from {@code source} at scrape time. */
  public <T> void frames(String direction, T source, ToLongFunction<T> count) {
    FunctionCounter.builder("aegis.frames", source, s -> count.applyAsLong(s))
        .description("MCP frames sealed and relayed")
        .tag("direction", direction)
        .register(registry);
  }

  /** Sessions open in this process, read from {@code source} at scrape time. */
  public <T> void openSessions(T source, ToDoubleFunction<T> count) {
    Gauge.builder("aegis.sessions.open", source, count)
        .description("Sessions open in this process")
        .register(registry);
  }

  /** Events handed to the chain store and not yet durable, read from {@code source} at scrape. */
  public <T> void sealingQueue(T source, ToDoubleFunction<T> depth) {
    Gauge.builder("aegis.sealing.queue", source, depth)
        .description("Events sealed and queued for the chain store, not yet committed")
        .register(registry);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
