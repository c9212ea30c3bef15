package dev.aegis.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.testsupport.NodePeers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pinned MCP conformance suite ({@code @modelcontextprotocol/conformance}) in server mode as a
 * child process, read back as per-check verdicts from the {@code checks.json} it writes for every
 * scenario; and the proxy started on an ephemeral port in front of an upstream.
 */
final class ConformanceRun {
  private static final Pattern SCENARIO_DIR =
      Pattern.compile("server-(.+)-\\d{4}-\\d\\d-\\d\\dT[-0-9]+Z");
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

  /** One check's outcome: SUCCESS, FAILURE or WARNING. */
  record Verdict(String check, String status) {}

  private ConformanceRun() {}

  /**
   * Runs every server scenario ({@code --suite all}) against {@code url}; returns the verdicts by
   * scenario, in the suite's order within a scenario. INFO entries (the suite's log of requests and
   * events, whose number depends on timing) are left out. Bounded: at most 10 minutes.
   */
  static Map<String, List<Verdict>> server(String url, Path out) throws Exception {
    Path log = runSuite(out, "server", "--suite", "all", "--url", url, "-o", out.toString());
    // the exit code is 1 whenever a check fails, which the fixtures' limits make usual: the
    // verdicts are compared instead
    Map<String, List<Verdict>> verdicts = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(out)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        Matcher m = SCENARIO_DIR.matcher(d.getFileName().toString());
        if (!m.matches() || !Files.isRegularFile(d.resolve("checks.json"))) {
          throw new AssertionError("unexpected suite output " + d + "; log:\n" + read(log));
        }
        if (verdicts.put(m.group(1), verdicts(d.resolve("checks.json"))) != null) {
          throw new AssertionError("scenario " + m.group(1) + " ran twice; log:\n" + read(log));
        }
      }
    }
    if (verdicts.isEmpty()) {
      throw new AssertionError("the conformance suite wrote no results; log:\n" + read(log));
    }
    return verdicts;
  }

  /**
   * Runs one client scenario: the suite starts its test server and runs {@code command} (split at
   * spaces, the server's URL appended); returns the scenario's verdicts without INFO entries.
   */
  static List<Verdict> client(String command, String scenario, Path out) throws Exception {
    Path log =
        runSuite(
            out,
            "client",
            "--command",
            command,
            "--scenario",
            scenario,
            "--timeout",
            "180000",
            "-o",
            out.toString());
    List<Path> results;
    try (Stream<Path> files = Files.walk(out)) {
      results = files.filter(f -> f.getFileName().toString().equals("checks.json")).toList();
    }
    if (results.size() != 1) {
      throw new AssertionError("expected one checks.json, got " + results + "; log:\n" + read(log));
    }
    return verdicts(results.get(0));
  }

  /** Runs the suite with {@code args} (bounded: 10 minutes); returns its log, in {@code out}. */
  private static Path runSuite(Path out, String... args) throws Exception {
    Files.createDirectories(out);
    List<String> cmd = new ArrayList<>(NodePeers.conformanceSuite());
    cmd.addAll(List.of(args));
    Path log = out.resolve("suite.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the conformance suite did not finish; log:\n" + read(log));
    }
    return log;
  }

  /** The verdicts of one checks.json, without the INFO entries. */
  private static List<Verdict> verdicts(Path checksJson) throws IOException {
    List<Verdict> checks = new ArrayList<>();
    for (JsonNode c : Json.parse(Files.readAllBytes(checksJson))) {
      if (!c.path("status").asText().equals("INFO")) {
        checks.add(new Verdict(c.path("id").asText(), c.path("status").asText()));
      }
    }
    return checks;
  }

  /** How many checks passed. */
  static long passed(Map<String, List<Verdict>> verdicts) {
    return verdicts.values().stream()
        .flatMap(List::stream)
        .filter(v -> v.status().equals("SUCCESS"))
        .count();
  }

  /** Every check that did not pass, as {@code scenario/check STATUS}. */
  static List<String> notPassed(Map<String, List<Verdict>> verdicts) {
    List<String> out = new ArrayList<>();
    verdicts.forEach(
        (scenario, checks) ->
            checks.stream()
                .filter(v -> !v.status().equals("SUCCESS"))
                .forEach(v -> out.add(scenario + "/" + v.check() + " " + v.status())));
    return out;
  }

  /** Writes a manifest allowing exactly {@code tools} (generous budgets: a suite run is long). */
  static Path manifest(Path file, Collection<String> tools) throws IOException {
    ObjectNode m = Json.object();
    m.put("schema", "aegis.dev/manifest/v0.1");
    m.put("name", "conformance");
    m.put("version", "1.0.0");
    m.put("publisher", "aegis-tests");
    ObjectNode permissions = m.putObject("permissions");
    ArrayNode allowed = permissions.putArray("tools");
    tools.forEach(allowed::add);
    ObjectNode budgets = permissions.putObject("budgets");
    budgets.put("max_steps", 1000);
    budgets.put("max_tool_calls", 500);
    budgets.put("max_wall_time_ms", 3_600_000);
    Files.writeString(file, Json.write(m));
    return file;
  }

  /**
   * Starts {@code aegis-proxy --listen 127.0.0.1:0 --upstream URL} with a manifest and a store in
   * {@code dir}; returns it once it printed the URL it listens on (at most two minutes).
   */
  static Listening proxy(Path dir, String upstream, Path manifest, String... extra)
      throws Exception {
    ProxyProcess proxy =
        HttpPeers.startProxy(dir.resolve("chain.db"), "127.0.0.1:0", upstream, manifest, extra);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(proxy.stderr());
      if (m.find()) {
        return new Listening(proxy, m.group(1));
      }
      if (!proxy.process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    proxy.close();
    throw new AssertionError("aegis-proxy did not listen; stderr:\n" + proxy.stderr());
  }

  /** A started proxy and its MCP endpoint URL; closing stops it. */
  record Listening(ProxyProcess proxy, String url) implements AutoCloseable {
    @Override
    public void close() {
      proxy.close();
    }
  }

  private static String read(Path log) throws IOException {
    return Files.isRegularFile(log) ? Files.readString(log) : "(no log)";
  }
}
