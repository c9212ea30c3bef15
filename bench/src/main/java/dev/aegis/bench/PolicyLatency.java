package dev.aegis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.json.Json;
import dev.aegis.guard.policy.PolicyBundle;
import dev.aegis.guard.policy.WasmEngineConfig;
import dev.aegis.guard.policy.WasmExecution;
import dev.aegis.guard.policy.WasmPolicyEngine;
import dev.aegis.policy.grpc.OpaGrpcConfig;
import dev.aegis.policy.grpc.OpaGrpcPolicyEngine;
import dev.aegis.policy.grpc.OpaSidecar;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decision latency of each policy engine, and how soon the in-process engine decides after JVM
 * start. Sequential decisions of one typical input ({@link PolicyInputs}), timed from {@code
 * decide} to the completed future as seen by the calling thread; the OPA sidecar is a real
 * opa-envoy-plugin this tool starts on loopback. First decisions are timed in fresh JVMs (one per
 * run, {@link FirstDecision}). Prints a table and writes the figures as JSON. Exit code 0 when
 * every engine ran, 1 when one failed, 2 on bad flags.
 */
public final class PolicyLatency {
  static final String USAGE =
      """
      usage: java -cp 'bench/target/lib/*' dev.aegis.bench.PolicyLatency [flags]
        --decisions N    measured sequential decisions per engine (default 20000;
                         a tenth of it for wasm-interpreter, and of --warmup)
        --warmup N       discarded decisions first (default 20000)
        --engines LIST   of hop,wasm,wasm-compiler,wasm-interpreter,opa-grpc,opa-grpc-floor
                         (default all; the floor is the sidecar asked about a non-proposal,
                         which the policy allows at its first line: transport and plugin only)
        --first-runs K   fresh JVMs per mode for the first-decision time (default 5; 0 skips)
        --out FILE       JSON results (default bench/results/policy-<timestamp>.json)""";

  private static final List<String> ALL_ENGINES =
      List.of("hop", "wasm", "wasm-compiler", "wasm-interpreter", "opa-grpc", "opa-grpc-floor");

  private static final List<WasmExecution> FIRST_MODES =
      List.of(
          WasmExecution.AUTO,
          WasmExecution.INTERPRETER_THEN_COMPILER,
          WasmExecution.INTERPRETER,
          WasmExecution.COMPILER);

  private PolicyLatency() {}

  /** Runs the measurements chosen by the flags. */
  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help")) {
        System.out.println(USAGE);
        return;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("PolicyLatency: bad flag " + args[i] + "\n" + USAGE);
        System.exit(2);
      }
      flags.put(args[i].substring(2), args[++i]);
    }
    int decisions = Integer.parseInt(flags.getOrDefault("decisions", "20000"));
    int warmup = Integer.parseInt(flags.getOrDefault("warmup", "20000"));
    int firstRuns = Integer.parseInt(flags.getOrDefault("first-runs", "5"));
    List<String> engines =
        flags.containsKey("engines") ? Arrays.asList(flags.get("engines").split(",")) : ALL_ENGINES;
    Path root = Launchers.repoRoot();
    Path out =
        Path.of(
            flags.getOrDefault(
                "out",
                root.resolve("bench/results/policy-")
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + ".json"));

    System.out.println("command: " + SystemInfo.commandLine(PolicyLatency.class.getName(), args));
    SystemInfo.describe().forEach((k, v) -> System.out.println(k + ": " + v));
    System.out.printf(
        "%d sequential decisions per engine after %d discarded; input: %d bytes, decision %s%n%n",
        decisions,
        warmup,
        Json.write(PolicyInputs.typical()).length(),
        PolicyInputs.EXPECTED_REASON);

    ObjectNode json = Json.object();
    boolean failed = false;
    if (firstRuns > 0) {
      // First, while this JVM is idle: its JIT and GC threads would compete with the children.
      System.out.printf(
          "first decision of the built-in bundle after JVM start, ms (median of %d fresh JVMs,"
              + " min–max)%n",
          firstRuns);
      System.out.printf(
          "%-28s %14s %18s %22s%n", "mode", "main() at", "first decision", "compiled serving");
      ArrayNode first = json.putArray("first_decision");
      for (WasmExecution mode : FIRST_MODES) {
        ObjectNode row = first.addObject().put("mode", mode.name());
        try {
          List<long[]> runs = new ArrayList<>();
          for (int i = 0; i < firstRuns; i++) {
            runs.add(firstDecision(mode));
          }
          long[] mainAt = column(runs, 0);
          long[] firstAt = column(runs, 1);
          long[] compiledAt = column(runs, 2);
          System.out.printf(
              Locale.ROOT,
              "%-28s %14s %18s %22s%n",
              mode,
              spread(mainAt),
              spread(firstAt),
              compiledAt[0] < 0 ? "–" : spread(compiledAt));
          row.put("main_ms", median(mainAt))
              .put("first_ms", median(firstAt))
              .put("compiled_ms", median(compiledAt));
        } catch (Exception e) {
          failed = true;
          System.out.printf("%-28s failed: %s%n", mode, e);
          row.put("error", e.toString());
        }
      }
      System.out.println();
    }
    ArrayNode rows = json.putArray("engines");
    Map<String, LatencyStats> stats = new LinkedHashMap<>();
    System.out.println(
        "decision latency, µs: until the engine completes the future (where the proxy goes on);"
            + " last columns: as a caller blocked in get() sees it");
    System.out.printf(
        Locale.ROOT,
        "%-16s %9s %9s %9s %9s   %-20s %11s %11s%n",
        "engine",
        "p50",
        "p99",
        "p99.9",
        "mean",
        "vs hop (p50)",
        "caller p50",
        "caller p99");
    for (String name : engines) {
      ObjectNode row = rows.addObject().put("engine", name);
      try (Started started = start(name, root)) {
        // The interpreter is ~100 times slower: a tenth of the runs keeps it to seconds.
        int scale = name.equals("wasm-interpreter") ? 10 : 1;
        JsonNode input =
            name.equals("opa-grpc-floor") ? PolicyInputs.nonProposal() : PolicyInputs.typical();
        Measured m =
            measure(started.engine(), input, warmup / scale, Math.max(1, decisions / scale));
        LatencyStats s = m.completed();
        stats.put(name, s);
        LatencyStats hop = stats.get("hop");
        String vsHop =
            hop == null || name.equals("hop")
                ? ""
                : String.format(
                    Locale.ROOT, "+%.1f, ×%.2f", s.p50Us() - hop.p50Us(), s.p50Us() / hop.p50Us());
        System.out.printf(
            Locale.ROOT,
            "%-16s %9.1f %9.1f %9.1f %9.1f   %-20s %11.1f %11.1f%n",
            name,
            s.p50Us(),
            s.p99Us(),
            s.p999Us(),
            s.meanUs(),
            vsHop,
            m.caller().p50Us(),
            m.caller().p99Us());
        row.put("p50_us", s.p50Us())
            .put("p99_us", s.p99Us())
            .put("p999_us", s.p999Us())
            .put("mean_us", s.meanUs())
            .put("caller_p50_us", m.caller().p50Us())
            .put("caller_p99_us", m.caller().p99Us());
      } catch (Exception e) {
        failed = true;
        System.out.printf("%-18s failed: %s%n", name, e);
        row.put("error", e.toString());
      }
    }

    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, json.toPrettyString() + "\n");
    System.out.println("\nresults: " + out);
    System.exit(failed ? 1 : 0);
  }

  /** An engine and what must be stopped with it. */
  private record Started(PolicyEngine engine, OpaSidecar sidecar) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      engine.close();
      if (sidecar != null) {
        sidecar.close();
      }
    }
  }

  private static Started start(String name, Path root) throws Exception {
    return switch (name) {
      case "hop" -> new Started(new HopEngine(), null);
      case "wasm" -> new Started(wasm(WasmExecution.AUTO), null);
      case "wasm-compiler" -> new Started(wasm(WasmExecution.COMPILER), null);
      case "wasm-interpreter" -> new Started(wasm(WasmExecution.INTERPRETER), null);
      case "opa-grpc", "opa-grpc-floor" -> {
        List<Path> bundle = List.of(root.resolve("policies/aegis"), root.resolve("policies/envoy"));
        OpaSidecar sidecar =
            OpaSidecar.start(Files.createTempDirectory("aegis-bench-opa-"), bundle);
        try {
          yield new Started(
              OpaGrpcPolicyEngine.connect(
                  new OpaGrpcConfig(sidecar.target(), Duration.ofSeconds(5), bundle)),
              sidecar);
        } catch (RuntimeException e) {
          sidecar.close();
          throw e;
        }
      }
      default -> throw new IllegalArgumentException("unknown engine " + name);
    };
  }

  private static WasmPolicyEngine wasm(WasmExecution mode) throws Exception {
    WasmPolicyEngine engine =
        WasmPolicyEngine.load(
            PolicyBundle.builtIn(),
            WasmEngineConfig.defaults().withExecution(mode).withDeadline(Duration.ofSeconds(5)));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (mode != WasmExecution.INTERPRETER
        && !engine.compiledInService()
        && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    return engine;
  }

  /** Latencies of one engine: to the completion of the future, and as a blocked caller sees it. */
  private record Measured(LatencyStats completed, LatencyStats caller) {}

  /**
   * Times sequential decisions two ways: until the engine completes the future (taken in a
   * dependent action, which runs on the completing thread: where the proxy's pipeline goes on), and
   * until a caller blocked in {@code get} wakes up (adds the caller's own wake-up).
   */
  private static Measured measure(PolicyEngine engine, JsonNode input, int warmup, int n)
      throws Exception {
    for (int i = 0; i < warmup; i++) {
      check(engine.decide(input).get(10, TimeUnit.SECONDS));
    }
    long[] completed = new long[n];
    long[] caller = new long[n];
    long[] doneAt = new long[1];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      CompletableFuture<Decision> f =
          engine.decide(input).whenComplete((d, e) -> doneAt[0] = System.nanoTime());
      Decision d = f.get(10, TimeUnit.SECONDS); // after the action: its write is visible
      caller[i] = System.nanoTime() - t;
      completed[i] = doneAt[0] - t;
      check(d);
    }
    return new Measured(LatencyStats.ofNanos(completed), LatencyStats.ofNanos(caller));
  }

  private static void check(Decision d) {
    if (!PolicyInputs.EXPECTED_REASON.equals(d.reason())) {
      throw new IllegalStateException("decision " + d.reason() + ", expected OK");
    }
  }

  /** Runs {@link FirstDecision} in a fresh JVM: {main, first, compiled} ms since JVM start. */
  private static long[] firstDecision(WasmExecution mode) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Launchers.ECHO_JVM_OPTIONS); // the proxy launcher's JVM options
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FirstDecision.class.getName());
    command.add(mode.name());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String line = null;
    StringBuilder all = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        all.append(l).append('\n');
        if (l.startsWith(FirstDecision.PREFIX + " ")) {
          line = l;
        }
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || line == null) {
      p.destroyForcibly();
      throw new IllegalStateException("FirstDecision " + mode + " failed:\n" + all);
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : line.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        kv.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    if (!PolicyInputs.EXPECTED_REASON.equals(kv.get("reason"))) {
      throw new IllegalStateException("first decision " + kv.get("reason") + ", expected OK");
    }
    return new long[] {
      Long.parseLong(kv.get("main")),
      Long.parseLong(kv.get("first")),
      Long.parseLong(kv.get("compiled"))
    };
  }

  private static long[] column(List<long[]> runs, int i) {
    long[] c = new long[runs.size()];
    for (int r = 0; r < c.length; r++) {
      c[r] = runs.get(r)[i];
    }
    Arrays.sort(c);
    return c;
  }

  private static long median(long[] sorted) {
    return sorted[(sorted.length - 1) / 2];
  }

  private static String spread(long[] sorted) {
    return median(sorted) + " (" + sorted[0] + "–" + sorted[sorted.length - 1] + ")";
  }
}
