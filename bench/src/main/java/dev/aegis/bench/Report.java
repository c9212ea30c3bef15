package dev.aegis.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns mode results into the printed table and the JSON file, with added latency and ratios
 * against the direct mode of the same shape, and the targets (reported, never asserted).
 */
final class Report {
  // The targets: added p50 in microseconds per durability, and sealed frames per second.
  static final double TARGET_ADDED_P50_NORMAL_US = 250;
  static final double TARGET_ADDED_P50_FULL_US = 600;
  static final double TARGET_SEALED_FRAMES_PER_S = 20_000;

  private final List<ModeResult> results;
  private final Map<Mode, ModeResult> byMode = new EnumMap<>(Mode.class);

  Report(List<ModeResult> results) {
    this.results = List.copyOf(results);
    for (ModeResult r : results) {
      byMode.put(r.mode(), r);
    }
  }

  /** The result to compare against, or null (a direct mode, or its baseline did not run). */
  ModeResult baselineOf(ModeResult r) {
    if (!r.ok() || !r.mode().proxied()) {
      return null;
    }
    ModeResult b = byMode.get(r.mode().baseline());
    return b != null && b.ok() ? b : null;
  }

  /** The fixed-width table, one row per mode, failures listed below it. */
  String table() {
    StringBuilder b = new StringBuilder();
    String head = "%-17s %4s %7s %9s %9s %9s %10s %10s %9s %9s %6s %8s  %s%n";
    String row = "%-17s %4d %7d %9.1f %9.1f %9.1f %10.0f %10s %9s %9s %6s %8s  %s%n";
    b.append(
        String.format(
            Locale.ROOT,
            head,
            "mode",
            "sess",
            "calls",
            "p50 µs",
            "p99 µs",
            "p99.9 µs",
            "calls/s",
            "sealed/s",
            "+p50 µs",
            "+p99 µs",
            "×p50",
            "×calls/s",
            "chain"));
    for (ModeResult r : results) {
      if (!r.ok()) {
        b.append(
            String.format(
                Locale.ROOT, "%-17s %4d  FAILED (see below)%n", r.mode().wireName(), r.sessions()));
        continue;
      }
      ModeResult base = baselineOf(r);
      LatencyStats s = r.stats();
      b.append(
          String.format(
              Locale.ROOT,
              row,
              r.mode().wireName(),
              r.sessions(),
              s.count(),
              s.p50Us(),
              s.p99Us(),
              s.p999Us(),
              r.callsPerSecond(),
              r.sealedFramesPerSecond() == null ? "-" : fmt("%.0f", r.sealedFramesPerSecond()),
              base == null ? "-" : fmt("%+.1f", s.p50Us() - base.stats().p50Us()),
              base == null ? "-" : fmt("%+.1f", s.p99Us() - base.stats().p99Us()),
              base == null ? "-" : fmt("%.2f", s.p50Us() / base.stats().p50Us()),
              base == null ? "-" : fmt("%.2f", r.callsPerSecond() / base.callsPerSecond()),
              shortVerify(r.verify())));
    }
    for (ModeResult r : results) {
      if (!r.ok()) {
        b.append(String.format("%n%s failed: %s%n", r.mode().wireName(), r.error()));
      } else if (r.verify() != null && !r.verify().equals("valid")) {
        b.append(String.format("%nnote: %s chain check: %s%n", r.mode().wireName(), r.verify()));
      }
      if (r.ok() && r.exitCodes().stream().anyMatch(c -> c != 0)) {
        b.append(
            String.format(
                "%nnote: %s exit codes %s (expected 0 after stdin EOF)%n",
                r.mode().wireName(), r.exitCodes()));
      }
    }
    b.append(String.format("%nTargets (reported, not asserted):%n"));
    for (Target t : targets()) {
      b.append("  ").append(t.line()).append('\n');
    }
    return b.toString();
  }

  /** The JSON document written to {@code --out}. */
  ObjectNode json(
      String commandLine,
      Map<String, String> system,
      E2eOptions o,
      String proxy,
      String timestamp) {
    ObjectNode root = Json.object();
    root.put("tool", "aegis-bench EndToEnd");
    root.put("timestamp", timestamp);
    root.put("command", commandLine);
    ObjectNode sys = root.putObject("system");
    system.forEach(sys::put);
    ObjectNode opts = root.putObject("options");
    opts.put("calls", o.calls());
    opts.put("warmup", o.warmup());
    opts.put("sessions", o.sessions());
    opts.put("payload_bytes", o.payloadBytes());
    opts.put("pipelined_calls", o.pipelinedCalls());
    opts.put("window", o.window());
    ArrayNode modes = opts.putArray("modes");
    o.modes().forEach(m -> modes.add(m.wireName()));
    root.put("proxy", proxy);
    root.put("sealed_frames_per_call", ModeResult.SEALED_FRAMES_PER_CALL);
    ArrayNode rows = root.putArray("results");
    for (ModeResult r : results) {
      rows.add(row(r));
    }
    ArrayNode targets = root.putArray("targets");
    for (Target t : targets()) {
      ObjectNode n = targets.addObject();
      n.put("name", t.name());
      n.put("limit", t.limit());
      n.put("comparison", t.atMost() ? "<=" : ">=");
      if (t.observed() == null) {
        n.putNull("observed");
        n.putNull("met");
      } else {
        n.put("observed", round(t.observed(), 10));
        n.put("met", t.met());
      }
      n.put("from", t.from());
    }
    return root;
  }

  private ObjectNode row(ModeResult r) {
    ObjectNode n = Json.object();
    n.put("mode", r.mode().wireName());
    n.put("shape", r.mode().shape().name().toLowerCase(Locale.ROOT));
    n.put("durability", r.mode().durability());
    n.put("sessions", r.sessions());
    if (!r.ok()) {
      n.put("error", r.error());
      return n;
    }
    LatencyStats s = r.stats();
    n.put("calls", s.count());
    n.put("p50_us", round(s.p50Us(), 10));
    n.put("p99_us", round(s.p99Us(), 10));
    n.put("p999_us", round(s.p999Us(), 10));
    n.put("mean_us", round(s.meanUs(), 10));
    n.put("max_us", round(s.maxUs(), 10));
    n.put("calls_per_s", round(r.callsPerSecond(), 1));
    if (r.sealedFramesPerSecond() != null) {
      n.put("sealed_frames_per_s", round(r.sealedFramesPerSecond(), 1));
    }
    ModeResult base = baselineOf(r);
    if (base != null) {
      n.put("baseline", base.mode().wireName());
      n.put("added_p50_us", round(s.p50Us() - base.stats().p50Us(), 10));
      n.put("added_p99_us", round(s.p99Us() - base.stats().p99Us(), 10));
      n.put("p50_ratio", round(s.p50Us() / base.stats().p50Us(), 1000));
      n.put("throughput_ratio", round(r.callsPerSecond() / base.callsPerSecond(), 1000));
    }
    if (r.store() != null) {
      n.put("store", r.store());
    }
    if (r.verify() != null) {
      n.put("chain", r.verify());
    }
    ArrayNode exits = n.putArray("exit_codes");
    r.exitCodes().forEach(exits::add);
    return n;
  }

  /** One target of the issue and what this run observed (null when the mode did not run). */
  record Target(String name, double limit, boolean atMost, Double observed, String from) {
    boolean met() {
      return observed != null && (atMost ? observed <= limit : observed >= limit);
    }

    String line() {
      String v =
          observed == null
              ? "not measured"
              : fmt("%.1f", observed) + (met() ? "  met" : "  NOT met");
      return String.format(
          Locale.ROOT, "%-36s %s %8.0f : %s  (%s)", name, atMost ? "<=" : ">=", limit, v, from);
    }
  }

  List<Target> targets() {
    return List.of(
        added("added p50 µs, --durability normal", Mode.NORMAL, TARGET_ADDED_P50_NORMAL_US),
        added("added p50 µs, --durability full", Mode.FULL, TARGET_ADDED_P50_FULL_US),
        sealedFrames());
  }

  private Target added(String name, Mode mode, double limit) {
    ModeResult r = byMode.get(mode);
    ModeResult base = r == null ? null : baselineOf(r);
    Double v = base == null ? null : r.stats().p50Us() - base.stats().p50Us();
    return new Target(name, limit, true, v, mode.wireName() + " vs " + mode.baseline().wireName());
  }

  private Target sealedFrames() {
    ModeResult best = null;
    for (ModeResult r : results) {
      if (r.ok()
          && r.sealedFramesPerSecond() != null
          && (best == null || r.sealedFramesPerSecond() > best.sealedFramesPerSecond())) {
        best = r;
      }
    }
    String cpus = Runtime.getRuntime().availableProcessors() + " cpus";
    return new Target(
        "sealed frames/s (target on 2 cpus)",
        TARGET_SEALED_FRAMES_PER_S,
        false,
        best == null ? null : best.sealedFramesPerSecond(),
        best == null ? cpus : "best: " + best.mode().wireName() + ", " + cpus);
  }

  /** Writes the JSON, creating parent directories. */
  static void write(Path file, ObjectNode json) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
  }

  private static String shortVerify(String verify) {
    if (verify == null) {
      return "-";
    }
    int cut = verify.indexOf(' ');
    return cut < 0 ? verify.replace(":", "") : verify.substring(0, cut).replace(":", "");
  }

  private static double round(double v, int scale) {
    return Math.round(v * scale) / (double) scale;
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }
}
