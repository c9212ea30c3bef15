package dev.aegis.guard.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the in-process Wasm engine; immutable, validated on construction.
 *
 * @param entrypoint the Wasm entrypoint to evaluate, as given to {@code opa build -e}
 * @param deadline longest time one decision may take, queueing included; past it the decision is a
 *     POLICY_ERROR deny and the evaluation is interrupted
 * @param startupTimeout longest time a decision asked for while the engine is still loading waits
 *     for it, before its own deadline starts
 * @param instances policy instances, and threads evaluating them in parallel
 * @param execution how the Wasm runs (see {@link WasmExecution})
 */
public record WasmEngineConfig(
    String entrypoint,
    Duration deadline,
    Duration startupTimeout,
    int instances,
    WasmExecution execution) {
  /** The decide bundle's entrypoint: package {@code aegis.decide}, rule {@code decision}. */
  public static final String DEFAULT_ENTRYPOINT = "aegis/decide/decision";

  /** Default deadline of one decision. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

  /** Default wait for the engine to load before a decision's deadline starts. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);

  /** Default number of instances: a slow evaluation does not hold up every other one. */
  public static final int DEFAULT_INSTANCES = 2;

  /** Default execution: precompiled for the built-in bundle, else interpreter then compiler. */
  public static final WasmExecution DEFAULT_EXECUTION = WasmExecution.AUTO;

  /** Checks every setting. */
  public WasmEngineConfig {
    requireNonNull(entrypoint, "entrypoint");
    requireNonNull(deadline, "deadline");
    requireNonNull(startupTimeout, "startupTimeout");
    requireNonNull(execution, "execution");
    if (entrypoint.isBlank()) {
      throw new IllegalArgumentException("entrypoint: \"\" (expected: e.g. aegis/decide/decision)");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
    }
    if (startupTimeout.isNegative()) {
      throw new IllegalArgumentException("startupTimeout: " + startupTimeout + " (expected: >= 0)");
    }
    if (instances < 1 || instances > 64) {
      throw new IllegalArgumentException("instances: " + instances + " (expected: 1..64)");
    }
  }

  /** Every setting at its default. */
  public static WasmEngineConfig defaults() {
    return new WasmEngineConfig(
        DEFAULT_ENTRYPOINT,
        DEFAULT_DEADLINE,
        DEFAULT_STARTUP_TIMEOUT,
        DEFAULT_INSTANCES,
        DEFAULT_EXECUTION);
  }

  /** This config with another entrypoint. */
  public WasmEngineConfig withEntrypoint(String entrypoint) {
    return new WasmEngineConfig(entrypoint, deadline, startupTimeout, instances, execution);
  }

  /** This config with another deadline. */
  public WasmEngineConfig withDeadline(Duration deadline) {
    return new WasmEngineConfig(entrypoint, deadline, startupTimeout, instances, execution);
  }

  /** This config with another number of instances. */
  public WasmEngineConfig withInstances(int instances) {
    return new WasmEngineConfig(entrypoint, deadline, startupTimeout, instances, execution);
  }

  /** This config with another execution mode. */
  public WasmEngineConfig withExecution(WasmExecution execution) {
    return new WasmEngineConfig(entrypoint, deadline, startupTimeout, instances, execution);
  }
}
