package dev.aegis.guard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.styra.opa.wasm.OpaBuiltin;
import com.styra.opa.wasm.builtins.Provided;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The engine's policy instances. An {@link OpaInstance} is not thread-safe (one Wasm linear memory
 * and heap per instance), so each evaluation borrows an instance for itself. Instances are built on
 * one background loader thread: the first as fast as possible (its entrypoints and built-in
 * functions checked on the way), then the rest, of the kind the execution mode asks for (see {@link
 * WasmExecution}); an instance that failed or was interrupted is replaced.
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

  /** One policy instance and whether it runs compiled (at build time or at run time). */
  record Slot(OpaInstance opa, boolean compiled) {}

  private final PolicyBundle bundle;
  private final WasmEngineConfig config;
  private final PolicyModule module; // loader thread only
  private final ExecutorService loader;
  private final LinkedBlockingDeque<Slot> idle = new LinkedBlockingDeque<>();
  private final AtomicInteger liveCompiled = new AtomicInteger();
  private final AtomicInteger liveInterpreted = new AtomicInteger();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> verified = new CompletableFuture<>();
  private volatile boolean targetCompiled;
  private volatile boolean closed;
  private volatile int entrypointId = -1; // set by the loader before the first instance is lent
  private PolicyModule.Kind targetKind; // loader thread only

  /** Starts loading the bundle in the background; {@link #ready()} tells when it can decide. */
  WasmInstances(PolicyBundle bundle, WasmEngineConfig config) {
    this.bundle = bundle;
    this.config = config;
    this.module = new PolicyModule(bundle);
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

  /** The id of the configured entrypoint; valid once {@link #ready()} completed normally. */
  int entrypointId() {
    return entrypointId;
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
    boolean precompiled = PolicyModule.precompiled(bundle);
    PolicyModule.Kind first = firstKind(config.execution(), precompiled);
    targetKind = targetKind(config.execution(), precompiled);
    List<String> missing;
    try {
      OpaInstance opa = module.instantiate(first);
      entrypointId = entrypointId(opa.entrypoints());
      JsonNode builtins = opa.builtins();
      missing = missingBuiltins(builtins, first);
      if (first == PolicyModule.Kind.PRECOMPILED && !missing.isEmpty()) {
        throw new PolicyLoadException(missingMessage(missing));
      }
      if (builtins.size() > 0) {
        module.needsHostBuiltins();
        opa = module.instantiate(first);
      }
      opa.loadData(bundle.data());
      add(new Slot(opa, first != PolicyModule.Kind.INTERPRETED));
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
    // Decisions that never reach a missing built-in are right, and those that do fail closed
    // anyway; the check only makes the problem visible at load.
    if (missing.isEmpty()) {
      verified.complete(null);
    } else {
      PolicyLoadException e = new PolicyLoadException(missingMessage(missing));
      LOG.log(Level.ERROR, e.getMessage());
      verified.completeExceptionally(e);
    }
    fill();
  }

  private void failLoad(PolicyLoadException e) {
    ready.completeExceptionally(e);
    verified.completeExceptionally(e);
  }

  /** Builds instances until the target kind has its full count; runs on the loader thread. */
  private void fill() {
    while (!closed && live(targetCompiled).get() < config.instances()) {
      Slot slot;
      try {
        slot = build(targetKind);
      } catch (Exception | LinkageError | StackOverflowError e) {
        if (closed) {
          return;
        }
        if (targetKind == PolicyModule.Kind.COMPILED
            && config.execution() == WasmExecution.INTERPRETER_THEN_COMPILER) {
          LOG.log(Level.WARNING, "compiling the policy failed; staying on the interpreter", e);
          targetKind = PolicyModule.Kind.INTERPRETED;
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

  private Slot build(PolicyModule.Kind kind) throws PolicyLoadException {
    OpaInstance opa = module.instantiate(kind);
    opa.loadData(bundle.data());
    return new Slot(opa, kind != PolicyModule.Kind.INTERPRETED);
  }

  /** The kind of the first instance: the quickest to build that the mode allows. */
  private static PolicyModule.Kind firstKind(WasmExecution execution, boolean precompiled) {
    return switch (execution) {
      case AUTO -> precompiled ? PolicyModule.Kind.PRECOMPILED : PolicyModule.Kind.INTERPRETED;
      case PRECOMPILED -> PolicyModule.Kind.PRECOMPILED;
      case COMPILER -> PolicyModule.Kind.COMPILED;
      case INTERPRETER, INTERPRETER_THEN_COMPILER -> PolicyModule.Kind.INTERPRETED;
    };
  }

  /** The kind the engine settles on once every instance is built. */
  private static PolicyModule.Kind targetKind(WasmExecution execution, boolean precompiled) {
    return switch (execution) {
      case AUTO -> precompiled ? PolicyModule.Kind.PRECOMPILED : PolicyModule.Kind.COMPILED;
      case PRECOMPILED -> PolicyModule.Kind.PRECOMPILED;
      case COMPILER, INTERPRETER_THEN_COMPILER -> PolicyModule.Kind.COMPILED;
      case INTERPRETER -> PolicyModule.Kind.INTERPRETED;
    };
  }

  private String missingMessage(List<String> missing) {
    return bundle.source()
        + ": the policy calls built-in functions the in-process engine does not provide: "
        + String.join(", ", missing)
        + " (use the OPA sidecar engine, or avoid them)";
  }

  private int entrypointId(JsonNode entrypoints) throws PolicyLoadException {
    JsonNode id = entrypoints.get(config.entrypoint());
    if (id == null || !id.canConvertToInt()) {
      Set<String> names = new TreeSet<>();
      entrypoints.fieldNames().forEachRemaining(names::add);
      throw new PolicyLoadException(
          bundle.source()
              + ": no entrypoint "
              + config.entrypoint()
              + " (it has: "
              + names
              + "); build it with `opa build -t wasm -e "
              + config.entrypoint()
              + " …`");
    }
    return id.intValue();
  }

  /**
   * The built-in functions the policy asks the host for that the host of {@code kind} lacks (e.g.
   * {@code time.now_ns}): every decision reaching one would fail. opa-java-wasm hosts the few it
   * provides; the build-time compiled module has only Aegis's host, which provides none.
   */
  private static List<String> missingBuiltins(JsonNode needed, PolicyModule.Kind kind) {
    Set<String> provided =
        kind == PolicyModule.Kind.PRECOMPILED
            ? Set.of()
            : Arrays.stream(Provided.all())
                .map(OpaBuiltin.Builtin::name)
                .collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    needed.fieldNames().forEachRemaining(missing::add);
    missing.removeAll(provided);
    missing.sort(null);
    return missing;
  }
}
