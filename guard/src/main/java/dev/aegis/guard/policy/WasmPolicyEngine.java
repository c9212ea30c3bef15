package dev.aegis.guard.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.PolicyEngine;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process policy engine: the decide bundle compiled to Wasm by {@code opa build -t wasm},
 * run by opa-java-wasm on Chicory (pure Java, no native code).
 *
 * <p>Loading happens in the background from construction (see {@link WasmExecution}: the built-in
 * bundle runs as JVM bytecode compiled at build time, any other starts on the interpreter while it
 * is compiled); a decision asked for meanwhile waits for it, up to the startup timeout. Each
 * decision runs on one of the engine's own threads with its own policy instance, within the
 * configured deadline.
 *
 * <p>Threading: every method may be called from any thread; {@link #decide} never blocks the caller
 * and its future never fails. Dependent actions attached to that future without an executor run on
 * an engine thread: attach anything slow with an async variant.
 */
public final class WasmPolicyEngine implements PolicyEngine {
  private static final System.Logger LOG = System.getLogger(WasmPolicyEngine.class.getName());

  /** Decisions waiting for an engine thread beyond this many fail closed at once. */
  static final int QUEUE_CAPACITY = 1024;

  /** Period of the deadline timer's no-op task (see the constructor). */
  static final Duration HEARTBEAT = Duration.ofMillis(20);

  private final PolicyBundle bundle;
  private final WasmEngineConfig config;
  private final WasmInstances instances;
  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor deadlines;
  private final AtomicLong shed = new AtomicLong();
  private volatile boolean closed;

  private WasmPolicyEngine(PolicyBundle bundle, WasmEngineConfig config) {
    this.bundle = bundle;
    this.config = config;
    this.instances = new WasmInstances(bundle, config);
    this.workers =
        new ThreadPoolExecutor(
            config.instances(),
            config.instances(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY),
            daemons("aegis-policy-wasm-"));
    this.deadlines = new ScheduledThreadPoolExecutor(1, daemons("aegis-policy-deadline-"));
    deadlines.setRemoveOnCancelPolicy(true);
    // A timer thread is woken whenever a new task becomes the earliest: without this heartbeat
    // every decision's deadline would be, and each decision would cost a thread wake-up (tens of
    // microseconds on a small machine). With it the head is nearly always the heartbeat, so
    // scheduling and cancelling a deadline is a heap operation under a lock.
    long beat = HEARTBEAT.toNanos();
    deadlines.scheduleAtFixedRate(() -> {}, beat, beat, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts an engine without waiting for it to load; see {@link #ready()}. A bundle that turns out
   * unusable makes every decision a POLICY_ERROR deny.
   */
  public static WasmPolicyEngine start(PolicyBundle bundle, WasmEngineConfig config) {
    return new WasmPolicyEngine(requireNonNull(bundle, "bundle"), requireNonNull(config, "config"));
  }

  /**
   * Starts an engine and waits until it is {@link #ready()} (compiled instances may follow in the
   * background). Fails with a message fit for stderr when the bundle cannot be used or loading
   * takes longer than the startup timeout.
   */
  public static WasmPolicyEngine load(PolicyBundle bundle, WasmEngineConfig config)
      throws PolicyLoadException {
    WasmPolicyEngine engine = start(bundle, config);
    try {
      engine.awaitReady();
      return engine;
    } catch (PolicyLoadException e) {
      engine.close();
      throw e;
    }
  }

  /** Loads a {@code .wasm} module or OPA bundle {@code .tar.gz} with the default settings. */
  public static WasmPolicyEngine load(Path bundle) throws PolicyLoadException {
    return load(PolicyBundle.read(bundle), WasmEngineConfig.defaults());
  }

  /** Loads the decide bundle built into this jar with the default settings. */
  public static WasmPolicyEngine loadBuiltIn() throws PolicyLoadException {
    return load(PolicyBundle.builtIn(), WasmEngineConfig.defaults());
  }

  /**
   * Completes when the engine is loaded and its policy checked; exceptionally with a {@link
   * PolicyLoadException} when the bundle cannot be used (unreadable module, no entrypoint, built-in
   * functions the engine lacks). Decisions may start a little earlier.
   */
  public CompletableFuture<Void> ready() {
    return instances.verified().copy();
  }

  /** Blocks until {@link #ready()}, up to the startup timeout. */
  public void awaitReady() throws PolicyLoadException {
    try {
      instances.verified().get(config.startupTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof PolicyLoadException p
          ? new PolicyLoadException(p.getMessage(), p)
          : new PolicyLoadException(bundle.source() + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new PolicyLoadException(
          bundle.source() + ": not loaded within " + config.startupTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PolicyLoadException(bundle.source() + ": interrupted while loading");
    }
  }

  /**
   * Decides one input on an engine thread, within the deadline. The input is read there, after this
   * call returns: do not modify it afterwards.
   */
  @Override
  public CompletableFuture<Decision> decide(JsonNode input) {
    requireNonNull(input, "input");
    CompletableFuture<Decision> result = new CompletableFuture<>();
    WasmEvaluation evaluation = new WasmEvaluation(input, result, instances, config.entrypoint());
    CompletableFuture<Void> ready = instances.ready();
    if (closed) {
      evaluation.fail("policy engine closed");
    } else if (ready.isDone()) {
      submit(evaluation, result, ready);
    } else {
      try {
        ScheduledFuture<?> wait =
            schedule(
                () ->
                    evaluation.fail("policy engine still loading after " + config.startupTimeout()),
                config.startupTimeout().toNanos());
        ready.whenComplete(
            (ok, e) -> {
              wait.cancel(false);
              submit(evaluation, result, ready);
            });
      } catch (RejectedExecutionException e) {
        evaluation.fail("policy engine closed");
      }
    }
    return result;
  }

  @Override
  public String name() {
    return "wasm";
  }

  @Override
  public String bundleDigest() {
    return bundle.digest();
  }

  /** The bundle in force. */
  public PolicyBundle bundle() {
    return bundle;
  }

  /** Whether decisions run compiled yet, at build or run time (diagnostics, timings). */
  public boolean compiledInService() {
    return instances.compiledInService();
  }

  /** Stops the engine threads; decisions pending or asked for later fail closed. */
  @Override
  public void close() {
    closed = true;
    List<Runnable> pending = workers.shutdownNow();
    int failed = 0;
    for (Runnable r : pending) {
      failed += ((WasmEvaluation) r).failQuietly() ? 1 : 0;
    }
    if (failed > 0) {
      LOG.log(
          Level.WARNING,
          "policy engine closed: {0} pending decisions failed closed (POLICY_ERROR)",
          String.valueOf(failed));
    }
    deadlines.shutdownNow();
    instances.close();
  }

  private void submit(
      WasmEvaluation evaluation,
      CompletableFuture<Decision> result,
      CompletableFuture<Void> ready) {
    if (result.isDone()) {
      return;
    }
    if (ready.isCompletedExceptionally()) {
      evaluation.fail("policy engine failed to load: " + loadFailure(ready));
      return;
    }
    try {
      ScheduledFuture<?> deadline = schedule(evaluation::expire, config.deadline().toNanos());
      result.whenComplete((d, e) -> deadline.cancel(false));
      workers.execute(evaluation);
    } catch (RejectedExecutionException e) {
      if (closed) {
        evaluation.fail("policy engine closed");
      } else if (evaluation.failQuietly()) {
        long n = shed.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1, 2, 4, 8…: visible without flooding stderr
          LOG.log(
              Level.WARNING,
              "policy engine overloaded ({0} decisions queued): {1} decisions failed closed so far",
              String.valueOf(QUEUE_CAPACITY),
              String.valueOf(n));
        }
      }
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return deadlines.schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  private static String loadFailure(CompletableFuture<Void> ready) {
    try {
      ready.join();
      return "unknown";
    } catch (CompletionException e) {
      return String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e);
    }
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
