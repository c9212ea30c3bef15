package dev.aegis.guard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.styra.opa.wasm.OpaPolicy;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Prints (does not assert) how soon the in-process engine decides after JVM start and how long a
 * decision takes in steady state, for one execution mode per run (run each in a fresh JVM):
 *
 * <pre>
 * java -cp … dev.aegis.guard.policy.WasmEngineTimings [AUTO|PRECOMPILED|INTERPRETER|COMPILER|INTERPRETER_THEN_COMPILER] [N]
 * </pre>
 */
public final class WasmEngineTimings {
  /** A typical proposal: a declared tool, a URL argument, a manifest with a few permissions. */
  static final String TYPICAL_INPUT =
      "{\"event\":{\"event_type\":\"TOOL_CALL_PROPOSED\",\"payload\":{\"tool_name\":\"fetch\","
          + "\"call_id\":\"c1\",\"args\":{\"url\":\"https://api.example.com/v1/items?q=1\"}}},"
          + "\"snapshot\":{\"steps_consumed\":3,\"tool_calls_consumed\":2,\"wall_time_ms\":5000},"
          + "\"manifest\":{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"demo\",\"version\":"
          + "\"1.0.0\",\"publisher\":\"acme\",\"permissions\":{\"tools\":[\"read_file\",\"fetch\","
          + "\"write_file\"],\"net\":{\"domains\":[\"api.example.com\",\"*.example.org\"]},"
          + "\"fs\":{\"read_roots\":[\"/tmp\"],\"write_roots\":[\"/tmp/out\"]},"
          + "\"approval_required\":[\"write_file\"]}}}";

  private WasmEngineTimings() {}

  /** Runs the measurement. */
  public static void main(String[] args) throws Exception {
    WasmExecution mode = args.length > 0 ? WasmExecution.valueOf(args[0]) : WasmExecution.AUTO;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainAt = System.currentTimeMillis() - jvmStart;
    long t0 = System.nanoTime();
    JsonNode input = Json.parseTrusted(TYPICAL_INPUT);
    WasmPolicyEngine engine =
        WasmPolicyEngine.start(
            PolicyBundle.builtIn(), WasmEngineConfig.defaults().withExecution(mode));
    long started = System.nanoTime();
    Decision first = engine.decide(input).get(30, TimeUnit.SECONDS);
    long firstAt = System.nanoTime();
    long sinceJvm = System.currentTimeMillis() - jvmStart;
    engine.ready().get(30, TimeUnit.SECONDS);
    long verifiedAt = System.nanoTime();
    out(
        "%s: main at %d ms after JVM start; start() took %.1f ms; first decision (%s %s) %.1f ms"
            + " after start() (%d ms after JVM start); built-ins checked %.1f ms after start()",
        mode,
        mainAt,
        ms(started - t0),
        first.outcome().wireName(),
        first.reason(),
        ms(firstAt - started),
        sinceJvm,
        ms(verifiedAt - started));
    Decision second = engine.decide(input).get(30, TimeUnit.SECONDS);
    out("  second decision %.1f ms (%s)", ms(System.nanoTime() - verifiedAt), second.reason());

    if (mode != WasmExecution.INTERPRETER) {
      while (!engine.compiledInService()) {
        Thread.sleep(5);
      }
      out("  compiled instances serving %.1f ms after start()", ms(System.nanoTime() - t0));
    }
    long[] took = new long[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      engine.decide(input).get(30, TimeUnit.SECONDS);
      took[i] = System.nanoTime() - s;
    }
    Arrays.sort(took);
    out(
        "  steady state over %d sequential decisions (engine thread hop included): p50 %.1f us,"
            + " p99 %.1f us",
        n, took[n / 2] / 1e3, took[n * 99 / 100] / 1e3);
    engine.close();
    if (mode != WasmExecution.INTERPRETER) {
      onTheCallingThread(input, mode, n);
    }
  }

  /**
   * The evaluation alone, without the hand-off to an engine thread: serialising the input, the Wasm
   * ({@code opa_eval}), parsing the result set; and, as a same-run baseline, the same module
   * compiled at run time behind opa-java-wasm's own per-decision path ({@code
   * OpaPolicy.evaluate(String)}: input parsed by a separate call, result dumped by another).
   */
  private static void onTheCallingThread(JsonNode input, WasmExecution mode, int n)
      throws Exception {
    PolicyBundle bundle = PolicyBundle.builtIn();
    PolicyModule module = new PolicyModule(bundle);
    OpaInstance opa =
        module.instantiate(
            mode == WasmExecution.COMPILER || mode == WasmExecution.INTERPRETER_THEN_COMPILER
                ? PolicyModule.Kind.COMPILED
                : PolicyModule.Kind.PRECOMPILED);
    opa.loadData(bundle.data());
    int entrypoint = opa.entrypoints().get(WasmEngineConfig.DEFAULT_ENTRYPOINT).intValue();
    long[] ours =
        time(
            n,
            () ->
                OpaResultSet.decision(
                    opa.evaluate(entrypoint, Json.MAPPER.writeValueAsBytes(input)),
                    WasmEngineConfig.DEFAULT_ENTRYPOINT));
    OpaPolicy library =
        OpaPolicy.builder()
            .withPolicy(bundle.wasm())
            .withInitialMemory(WasmInstances.INITIAL_MEMORY_PAGES)
            .withMaxMemory(WasmInstances.MAX_MEMORY_PAGES)
            .build();
    library.entrypoint(entrypoint);
    long[] theirs =
        time(
            n,
            () ->
                OpaResultSet.decision(
                    library
                        .evaluate(Json.write(input))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    WasmEngineConfig.DEFAULT_ENTRYPOINT));
    out(
        "  on the calling thread, %d decisions each: this engine (%s) p50 %.1f us, p99 %.1f us;"
            + " opa-java-wasm OpaPolicy (run-time compiled) p50 %.1f us, p99 %.1f us",
        n,
        mode,
        ours[n / 2] / 1e3,
        ours[n * 99 / 100] / 1e3,
        theirs[n / 2] / 1e3,
        theirs[n * 99 / 100] / 1e3);
  }

  private interface Decide {
    Decision run() throws Exception;
  }

  private static long[] time(int n, Decide d) throws Exception {
    for (int i = 0; i < n; i++) {
      check(d.run());
    }
    long[] took = new long[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      Decision got = d.run();
      took[i] = System.nanoTime() - s;
      check(got);
    }
    Arrays.sort(took);
    return took;
  }

  private static void check(Decision d) {
    if (!"OK".equals(d.reason())) {
      throw new IllegalStateException("decision " + d.reason() + ", expected OK");
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void out(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
