package dev.aegis.cli.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.metrics.PrometheusMetrics;
import dev.aegis.cli.proxy.GuardFactory;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.pipeline.SessionChain;
import dev.aegis.guard.state.SessionState;
import dev.aegis.guard.state.TaintSettings;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the control API serves from: the chain store (metered for appends), the guard factory
 * (manifest and policy engine), the process's metrics and a clock for default timestamps and
 * approval expiry. {@code rawStore} is the unwrapped store the approval and pin SPIs need. {@code
 * live} gives the chains of the sessions a proxy serves now (called from API threads; it must be
 * thread-safe and not block).
 */
public record ApiContext(
    ChainStore store,
    ChainStore rawStore,
    GuardFactory guards,
    PrometheusMetrics metrics,
    InstantSource clock,
    Supplier<List<SessionChain>> live) {

  /** Checks every part is present. */
  public ApiContext {
    requireNonNull(store, "store");
    requireNonNull(rawStore, "rawStore");
    requireNonNull(guards, "guards");
    requireNonNull(metrics, "metrics");
    requireNonNull(clock, "clock");
    requireNonNull(live, "live");
  }

  /** A context serving no live sessions (aegisd: every chain is the server's own or stored). */
  public ApiContext(
      ChainStore store,
      ChainStore rawStore,
      GuardFactory guards,
      PrometheusMetrics metrics,
      InstantSource clock) {
    this(store, rawStore, guards, metrics, clock, List::of);
  }

  /** The configured manifest's JSON, or null when none was given. */
  JsonNode manifestJson() {
    return guards.manifest() == null ? null : guards.manifest().json();
  }

  /** An empty reducer configured like the guards' (loop thresholds, taint mode). */
  SessionState newState() {
    return new SessionState(guards.loops(), TaintSettings.of(manifestJson(), false));
  }
}
