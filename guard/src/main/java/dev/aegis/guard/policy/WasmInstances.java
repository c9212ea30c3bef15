package dev.aegis.guard.policy;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.styra.opa.wasm.DefaultMappers;
import com.styra.opa.wasm.OpaBuiltin;
import com.styra.opa.wasm.OpaPolicy;
import com.styra.opa.wasm.OpaWasm;
import com.styra.opa.wasm.builtins.Provided;
import dev.aegis.core.json.Json;
import java.io.ByteArrayInputStream;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The engine's policy instances. An {@link OpaPolicy} is not thread-safe (one Wasm linear memory
 * and heap pointers per instance), so each evaluation borrows an instance for itself. Instances are
 * built on one background loader thread: the first as fast as possible, then (after checking the
 * policy's built-in functions) the rest, compiled when the execution mode asks for it; an instance
 * that failed or was interrupted is replaced.
 *
 * <p>Threading: {@link #borrow}, {@link #release} and {@link #discard} may be called from any
 * thread; instances are only built on the loader thread.
 */
final class WasmInstances implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WasmInstances.class.getName());

  /** Initial linear memory of an instance, in 64 KiB pages (opa-java-wasm's default). */
  static final int INITIAL_MEMORY_PAGES = 10;

  /** Cap of an instance's linear memory, in 64 KiB pages: 128 MiB, against runaway policies. */
  static final int MAX_MEMORY_PAGES = 2048;

  /** One policy instance and whether it runs compiled. */
  record Slot(OpaPolicy policy, boolean compiled) {}

  private final PolicyBundle bundle;
  private final WasmEngineConfig config;
  private final ExecutorService loader;
  private final LinkedBlockingDeque<Slot> idle = new LinkedBlockingDeque<>();
  private final AtomicInteger liveCompiled = new AtomicInteger();
  private final AtomicInteger liveInterpreted = new AtomicInteger();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> verified = new CompletableFuture<>();
  private volatile boolean targetCompiled;
  private volatile boolean closed;
  private int entrypointId = -1; // loader thread only

  /** Starts loading the bundle in the background; {@link #ready()} tells when it can decide. */
  WasmInstances(PolicyBundle bundle, WasmEngineConfig config) {
    this.bundle = bundle;
    this.config = config;
    this.targetCompiled = config.execution() != WasmExecution.INTERPRETER;
    this.loader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "aegis-policy-loader");
              t.setDaemon(true);
              return t;
            });
    loader.execute(this::start);
  }

  /**
   * Completes when the first instance can decide; exceptionally with a {@link PolicyLoadException}
   * when the bundle cannot be used.
   */
  CompletableFuture<Void> ready() {
    return ready;
  }

  /**
   * Completes after {@link #ready()} once the policy's built-in functions are checked;
   * exceptionally with a {@link PolicyLoadException} when the bundle cannot be used or calls
   * built-ins the engine lacks.
   */
  CompletableFuture<Void> verified() {
    return verified;
  }

  /** Takes an instance, waiting for one; compiled instances come first. */
  Slot borrow() throws InterruptedException {
    return idle.takeFirst();
  }

  /** Returns a healthy instance; an interpreted one is retired once compiled ones are serving. */
  void release(Slot slot) {
    if (closed) {
      return;
    }
    if (slot.compiled() != targetCompiled && live(targetCompiled).get() > 0) {
      live(slot.compiled()).decrementAndGet();
      return;
    }
    idle.offerFirst(slot);
  }

  /**
   * Drops an instance whose state is unknown (an evaluation failed or was interrupted) and has a
   * fresh one built.
   */
  void discard(Slot slot) {
    live(slot.compiled()).decrementAndGet();
    if (!closed) {
      loader.execute(this::fill);
    }
  }

  /** Whether compiled instances are serving (for diagnostics and timings). */
  boolean compiledInService() {
    return liveCompiled.get() > 0;
  }

  @Override
  public void close() {
    closed = true;
    loader.shutdownNow();
    idle.clear();
    failLoad(new PolicyLoadException("policy engine closed"));
  }

  private void start() {
    try {
      add(build(config.execution() == WasmExecution.COMPILER));
      ready.complete(null);
    } catch (PolicyLoadException e) {
      failLoad(e);
      return;
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      failLoad(
          closed
              ? new PolicyLoadException("policy engine closed")
              : new PolicyLoadException(
                  bundle.source() + ": not a loadable OPA Wasm policy: " + e, e));
      return;
    }
    // Off the path to the first decision: decisions that never reach a missing built-in are right,
    // and those that do fail closed anyway; the check only makes the problem visible at load.
    try {
      checkBuiltins();
      verified.complete(null);
    } catch (PolicyLoadException e) {
      LOG.log(Level.ERROR, e.getMessage());
      verified.completeExceptionally(e);
    } catch (RuntimeException e) {
      if (closed) {
        return;
      }
      LOG.log(Level.WARNING, "could not list the policy's built-in functions", e);
      verified.complete(null);
    }
    fill();
  }

  private void failLoad(PolicyLoadException e) {
    ready.completeExceptionally(e);
    verified.completeExceptionally(e);
  }

  /** Builds instances until the target mode has its full count; runs on the loader thread. */
  private void fill() {
    while (!closed && live(targetCompiled).get() < config.instances()) {
      Slot slot;
      try {
        slot = build(targetCompiled);
      } catch (Exception | LinkageError | StackOverflowError e) {
        if (closed) {
          return;
        }
        if (targetCompiled && config.execution() != WasmExecution.COMPILER) {
          LOG.log(Level.WARNING, "compiling the policy failed; staying on the interpreter", e);
          targetCompiled = false;
          continue;
        }
        LOG.log(Level.ERROR, "building a policy instance failed; running with fewer", e);
        return;
      }
      add(slot);
      if (slot.compiled()) {
        retireIdleInterpreted();
      }
    }
  }

  private void add(Slot slot) {
    live(slot.compiled()).incrementAndGet();
    if (slot.compiled()) {
      idle.offerFirst(slot);
    } else {
      idle.offerLast(slot);
    }
  }

  private void retireIdleInterpreted() {
    for (Iterator<Slot> it = idle.iterator(); it.hasNext(); ) {
      Slot s = it.next();
      if (!s.compiled() && idle.remove(s)) {
        liveInterpreted.decrementAndGet();
      }
    }
  }

  private AtomicInteger live(boolean compiled) {
    return compiled ? liveCompiled : liveInterpreted;
  }

  private Slot build(boolean compiled) throws PolicyLoadException {
    OpaPolicy.Builder builder =
        OpaPolicy.builder()
            .withPolicy(bundle.wasmUnsafe())
            .withInitialMemory(INITIAL_MEMORY_PAGES)
            .withMaxMemory(MAX_MEMORY_PAGES);
    if (!compiled) {
      builder.disableCompiler();
    }
    OpaPolicy policy = builder.build();
    policy.entrypoint(entrypointId(policy));
    if (bundle.data() != null) {
      policy.data(bundle.data());
    }
    return new Slot(policy, compiled);
  }

  private int entrypointId(OpaPolicy policy) throws PolicyLoadException {
    if (entrypointId < 0) {
      Map<String, Integer> entrypoints = policy.entrypoints();
      Integer id = entrypoints.get(config.entrypoint());
      if (id == null) {
        throw new PolicyLoadException(
            bundle.source()
                + ": no entrypoint "
                + config.entrypoint()
                + " (it has: "
                + new TreeSet<>(entrypoints.keySet())
                + "); build it with `opa build -t wasm -e "
                + config.entrypoint()
                + " …`");
      }
      entrypointId = id;
    }
    return entrypointId;
  }

  /**
   * Fails the load when the policy calls built-in functions that the host must provide and
   * opa-java-wasm does not (e.g. {@code time.now_ns}): every decision reaching one would fail.
   */
  private void checkBuiltins() throws PolicyLoadException {
    OpaWasm wasm =
        OpaWasm.builder()
            .withInputStream(new ByteArrayInputStream(bundle.wasmUnsafe()))
            .withJsonMapper(DefaultMappers.jsonMapper)
            .withYamlMapper(DefaultMappers.yamlMapper)
            .withMemory(
                new ByteArrayMemory(new MemoryLimits(INITIAL_MEMORY_PAGES, MAX_MEMORY_PAGES)))
            .disableCompiler()
            .build();
    int json = wasm.exports().opaJsonDump(wasm.exports().builtins());
    JsonNode needed = Json.parseTrusted(wasm.memory().readCString(json));
    Set<String> provided =
        Arrays.stream(Provided.all()).map(OpaBuiltin.Builtin::name).collect(Collectors.toSet());
    List<String> missing = new java.util.ArrayList<>();
    needed.fieldNames().forEachRemaining(n -> missing.add(n));
    missing.removeAll(provided);
    if (!missing.isEmpty()) {
      missing.sort(null);
      throw new PolicyLoadException(
          bundle.source()
              + ": the policy calls built-in functions the in-process engine does not provide: "
              + String.join(", ", missing)
              + " (use the OPA sidecar engine, or avoid them)");
    }
  }
}
