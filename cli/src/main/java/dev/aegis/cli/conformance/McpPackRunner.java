package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs MCP packs: for every case a fresh temporary directory ({@code ${ROOT}} below it, the pack's
 * files written there), a fresh {@code bin/aegis-proxy} of the installation on a SQLite store in
 * that directory, with the pack's manifest, flags and the engine's flags, in front of the pack's
 * real server on stdio; the runner does the 2025-06-18 handshake, sends the case's frames in order
 * (each request waited for) and compares answers with the wants. The directory is deleted after the
 * case. Cases run one at a time; not thread-safe. A case that cannot run (no proxy or server
 * binary, no answer in time, an unknown placeholder) is an error result, never an exception.
 */
public final class McpPackRunner {
  /** How long one frame's answer may take (a held approval waits {@code --approval-hold}). */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  /** The protocol version of the runner's {@code initialize}. */
  static final String PROTOCOL = "2025-06-18";

  private final Path proxy;
  private final List<String> engineFlags;
  private final Placeholders placeholders;

  /**
   * A runner over the installation at {@code home} (its {@code bin/aegis-proxy}), passing {@code
   * engineFlags} (e.g. {@code --policy-engine opa-grpc --opa-addr A}) to every proxy; {@code env}
   * may override the default peer directories ({@code AEGIS_NODE_BIN}, {@code AEGIS_PY_BIN}).
   */
  public McpPackRunner(Path home, List<String> engineFlags, Map<String, String> env) {
    this.proxy = home.resolve("bin/aegis-proxy");
    this.engineFlags = List.copyOf(engineFlags);
    this.placeholders =
        new Placeholders(
            Map.of(
                "NODE_BIN",
                env.getOrDefault("AEGIS_NODE_BIN", home.resolve("node_modules/.bin").toString()),
                "PY_BIN",
                env.getOrDefault("AEGIS_PY_BIN", home.resolve(".venv-peers/bin").toString())));
  }

  /**
   * Every case of an MCP pack reported skipped, saying why (e.g. a run against {@code --target}).
   */
  public static PackResult skipped(Pack pack, String why) {
    List<CaseResult> results = new ArrayList<>();
    for (PackCase c : pack.cases()) {
      results.add(new CaseResult(c, CaseResult.Status.SKIPPED, null, null, why));
    }
    return new PackResult(pack, results);
  }

  /** Runs every case of an MCP pack in order, each through its own proxy. */
  public PackResult run(Pack pack) {
    if (pack.mcp() == null) {
      throw new IllegalArgumentException(pack.name() + " is not an MCP pack");
    }
    List<CaseResult> results = new ArrayList<>();
    for (PackCase c : pack.cases()) {
      results.add(run(pack.mcp(), c));
    }
    return new PackResult(pack, results);
  }

  private CaseResult run(McpSetup setup, PackCase c) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("aegis-conformance-");
      Path root = Files.createDirectories(dir.resolve("root")).toRealPath();
      Placeholders p = placeholders.with("ROOT", root.toString());
      for (Map.Entry<String, String> f : setup.files().entrySet()) {
        Path file = root.resolve(p.apply(f.getKey()));
        Files.createDirectories(file.getParent());
        Files.writeString(file, p.apply(f.getValue()), StandardCharsets.UTF_8);
      }
      Path manifest = dir.resolve("manifest.json");
      Files.writeString(manifest, Json.write(p.apply(setup.manifest())), StandardCharsets.UTF_8);
      List<String> server = setup.server().stream().map(p::apply).toList();
      String missing = missing(server.get(0));
      if (missing != null) {
        return new CaseResult(c, CaseResult.Status.ERROR, null, null, missing);
      }
      if (!Files.isExecutable(proxy)) {
        return new CaseResult(
            c, CaseResult.Status.ERROR, null, null, proxy + " is missing (build the installation)");
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(proxy.toString());
      cmd.addAll(
          List.of(
              "--store",
              "sqlite:" + dir.resolve("chain.db"),
              "--session",
              "conformance-" + c.id().toLowerCase(Locale.ROOT),
              "--manifest",
              manifest.toString(),
              "--approval-key",
              dir.resolve("approval.key").toString()));
      cmd.addAll(engineFlags);
      setup.options().forEach(o -> cmd.add(p.apply(o)));
      cmd.add("--");
      cmd.addAll(server);
      try (ProxySession session = ProxySession.start(cmd, dir.resolve("proxy.log"))) {
        return exchange(session, c, p);
      }
    } catch (IOException | IllegalArgumentException e) {
      return new CaseResult(c, CaseResult.Status.ERROR, null, null, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new CaseResult(c, CaseResult.Status.ERROR, null, null, "interrupted");
    } finally {
      delete(dir);
    }
  }

  /** The handshake, then every frame; the last answer is compared with the case's want. */
  private static CaseResult exchange(ProxySession session, PackCase c, Placeholders p)
      throws IOException, InterruptedException {
    ObjectNode init = Json.object().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize");
    ObjectNode params = init.putObject("params").put("protocolVersion", PROTOCOL);
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "aegis-conformance").put("version", "1");
    session.send(init);
    JsonNode initialized = session.answer(IntNode.valueOf(0), ANSWER_TIMEOUT);
    if (!initialized.path("result").isObject()) {
      throw new IOException("initialize failed: " + Json.write(initialized));
    }
    session.send(Json.object().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
    JsonNode answer = null;
    List<ObjectNode> frames = c.frames();
    for (int i = 0; i < frames.size(); i++) {
      ObjectNode frame = (ObjectNode) p.apply(frames.get(i));
      JsonNode want = frame.remove("want");
      if (!frame.has("jsonrpc")) {
        frame.put("jsonrpc", "2.0");
      }
      if (McpAnswers.notification(frame)) {
        session.send(frame);
        continue;
      }
      if (!frame.has("id")) {
        frame.put("id", i + 1);
      }
      session.send(frame);
      answer = session.answer(frame.get("id"), ANSWER_TIMEOUT);
      String mismatch = want == null ? null : McpAnswers.mismatch(want, answer);
      if (mismatch != null) {
        return result(c, answer, "frame " + (i + 1) + ": " + mismatch);
      }
    }
    return result(c, answer, McpAnswers.mismatch(p.apply(c.answerWant()), answer));
  }

  private static CaseResult result(PackCase c, JsonNode answer, String mismatch) {
    McpAnswers.Verdict got = McpAnswers.verdict(answer);
    return new CaseResult(
        c,
        mismatch == null ? CaseResult.Status.PASSED : CaseResult.Status.FAILED,
        got.outcome(),
        got.reason(),
        mismatch);
  }

  /** Why a server command cannot start (a path that is not an executable), or null. */
  private static String missing(String executable) {
    Path exe = Path.of(executable);
    if (exe.isAbsolute() && !Files.isExecutable(exe)) {
      return "the server "
          + exe
          + " is missing (npm ci, or the peers' virtualenv; see"
          + " docs/conformance.md)";
    }
    return null;
  }

  private static void delete(Path dir) {
    if (dir != null) {
      EmbeddedApi.deleteQuietly(dir);
    }
  }
}
