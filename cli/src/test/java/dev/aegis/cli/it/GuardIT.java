package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import dev.aegis.testsupport.ScriptedPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard end to end through bin/aegis-proxy and the built-in Wasm policy: deny by default,
 * budgets on the exact call that crosses them, loops of each kind (identical call, repeating
 * sequence, no progress) with their cycle trace, audit mode, the seed's error style, bad manifests,
 * and state rebuilt from the chain after a restart.
 */
class GuardIT {
  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  private Path manifest(String permissions) throws Exception {
    Path m = dir.resolve("m-" + Math.abs(permissions.hashCode()) + ".json");
    Files.writeString(
        m,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\",\"version\":"
            + "\"1.0.0\",\"publisher\":\"t\",\"permissions\":"
            + permissions
            + "}");
    return m;
  }

  private ProxyProcess proxy(String session, List<String> flags, Path recorded) throws Exception {
    List<String> args = new ArrayList<>(List.of("--store", store(), "--session", session));
    args.addAll(flags);
    args.add("--");
    args.addAll(ProxyProcess.javaMain(ScriptedPeer.class, "--reply", "--out", recorded.toString()));
    return ProxyProcess.start("aegis-proxy", args);
  }

  private static String call(int id, String tool, String argsJson) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + argsJson
        + "}}";
  }

  private static JsonNode json(String line) throws Exception {
    return Json.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(JsonNode reply) {
    return reply.at("/result/structuredContent/aegis/reason").asText();
  }

  /** Sends the lines, waits for as many new answers, and returns them ordered by id. */
  private List<JsonNode> exchange(ProxyProcess p, String... lines) throws Exception {
    int before = p.stdout().isEmpty() ? 0 : p.stdout().split("\n").length;
    for (String l : lines) {
      p.send(l);
    }
    List<String> all = p.awaitLines(before + lines.length, 30);
    List<JsonNode> out = new ArrayList<>();
    for (String l : all.subList(before, all.size())) {
      out.add(json(l));
    }
    out.sort(java.util.Comparator.comparingInt(n -> n.get("id").asInt()));
    return out;
  }

  @Test
  void withoutAManifestEveryToolCallIsDeniedAndNeverReachesTheServer() throws Exception {
    Path rec = dir.resolve("rec");
    try (ProxyProcess p = proxy("none", List.of(), rec)) {
      List<JsonNode> r =
          exchange(
              p, call(1, "echo", "{}"), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
      assertThat(r.get(0).at("/result/isError").asBoolean()).isTrue();
      assertThat(reason(r.get(0))).isEqualTo("PERMISSION_UNDECLARED");
      assertThat(r.get(1).at("/result/echo").asText()).isEqualTo("tools/list");
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
      assertThat(p.stderr()).contains("no --manifest given");
    }
    assertThat(Files.readString(rec)).doesNotContain("tools/call").contains("tools/list");
  }

  @Test
  void budgetDeniesTheExactCallThatCrossesItAndARestartRemembers() throws Exception {
    Path m = manifest("{\"tools\":[\"echo\"],\"budgets\":{\"max_tool_calls\":2}}");
    try (ProxyProcess p = proxy("budget", List.of("--manifest", m.toString()), dir.resolve("r1"))) {
      List<JsonNode> r = exchange(p, call(1, "echo", "{\"t\":1}"), call(2, "echo", "{\"t\":2}"));
      assertThat(r)
          .allSatisfy(n -> assertThat(n.at("/result/echo").asText()).isEqualTo("tools/call"));
      JsonNode third = exchange(p, call(3, "echo", "{\"t\":3}")).get(0);
      assertThat(reason(third)).isEqualTo("BUDGET_EXCEEDED");
      p.closeStdin();
      p.waitFor(30);
    }
    try (ProxyProcess p = proxy("budget", List.of("--manifest", m.toString()), dir.resolve("r2"))) {
      JsonNode again = exchange(p, call(4, "echo", "{\"t\":4}")).get(0);
      assertThat(reason(again)).as("state rebuilt from the chain").isEqualTo("BUDGET_EXCEEDED");
      p.closeStdin();
      p.waitFor(30);
    }
    assertThat(Chains.verify(store(), "default", "budget").valid()).isTrue();
  }

  @Test
  void thirdIdenticalCallIsALoopAndItsCycleTraceIsSealed() throws Exception {
    Path m = manifest("{\"tools\":[\"search\"]}");
    try (ProxyProcess p = proxy("loop", List.of("--manifest", m.toString()), dir.resolve("r"))) {
      List<JsonNode> r =
          exchange(
              p,
              call(1, "search", "{\"q\":\"x\"}"),
              call(2, "search", "{\"q\":\"x\"}"),
              call(3, "search", "{\"q\":\"x\"}"));
      assertThat(r.get(1).at("/result/echo").asText()).isEqualTo("tools/call");
      assertThat(reason(r.get(2))).isEqualTo("LOOP_DETECTED");
      p.closeStdin();
      p.waitFor(30);
    }
    // decisions may complete out of order: find call 3's
    JsonNode last = decision(Chains.read(store(), "default", "loop"), "3");
    assertThat(last.get("reason").asText()).isEqualTo("LOOP_DETECTED");
    assertThat(last.get("loop").asText()).isEqualTo("LOOP_IDENTICAL_CALL");
    assertThat(last.get("cycle_trace")).hasSize(3);
    assertThat(last.get("engine").asText()).isEqualTo("wasm");
    assertThat(last.get("manifest_sha256").asText()).hasSize(64);
  }

  @Test
  void aRepeatingSequenceAndACallWithoutProgressAreLoopsWithTheirTracesSealed() throws Exception {
    Path m = manifest("{\"tools\":[\"plan\",\"search\",\"read\",\"poll\"]}");
    try (ProxyProcess p = proxy("loops", List.of("--manifest", m.toString()), dir.resolve("r"))) {
      // One call at a time, so each result is sealed before the next proposal is decided.
      String[] tools = {"plan", "search", "read", "plan", "search"};
      for (int i = 0; i < tools.length; i++) {
        JsonNode r = exchange(p, call(i + 1, tools[i], "{\"n\":" + i + "}")).get(0);
        assertThat(r.at("/result/echo").asText()).isEqualTo("tools/call");
      }
      assertThat(reason(exchange(p, call(6, "read", "{\"n\":5}")).get(0)))
          .as("plan, search, read twice over")
          .isEqualTo("LOOP_DETECTED");
      // The scripted server answers every call alike: two equal results of poll, then a third
      // poll (with new arguments) makes no progress.
      exchange(p, call(7, "poll", "{\"n\":7}"));
      exchange(p, call(8, "poll", "{\"n\":8}"));
      assertThat(reason(exchange(p, call(9, "poll", "{\"n\":9}")).get(0)))
          .isEqualTo("LOOP_DETECTED");
      p.closeStdin();
      p.waitFor(30);
    }
    List<Chains.Event> events = Chains.read(store(), "default", "loops");
    JsonNode sequence = decision(events, "6");
    assertThat(sequence.get("loop").asText()).isEqualTo("LOOP_REPEATING_SEQUENCE");
    assertThat(sequence.get("cycle_trace")).hasSize(6);
    JsonNode stuck = decision(events, "9");
    assertThat(stuck.get("loop").asText()).isEqualTo("LOOP_NO_PROGRESS");
    assertThat(stuck.get("cycle_trace")).hasSize(3);
    assertThat(Chains.verify(store(), "default", "loops").valid()).isTrue();
  }

  private static JsonNode decision(List<Chains.Event> events, String callId) {
    return events.stream()
        .filter(e -> e.type().equals("POLICY_DECISION") && callId.equals(e.field("call_id")))
        .findFirst()
        .orElseThrow()
        .payload();
  }

  @Test
  void auditModeLetsEverythingThroughButSealsTheDenials() throws Exception {
    Path rec = dir.resolve("rec");
    try (ProxyProcess p = proxy("audit", List.of("--mode", "audit"), rec)) {
      JsonNode r = exchange(p, call(1, "rm_rf", "{}")).get(0);
      assertThat(r.at("/result/echo").asText()).isEqualTo("tools/call");
      p.closeStdin();
      p.waitFor(30);
    }
    List<Chains.Event> denied =
        Chains.read(store(), "default", "audit").stream()
            .filter(e -> e.type().equals("TOOL_CALL_DENIED"))
            .toList();
    assertThat(denied).hasSize(1);
    assertThat(denied.get(0).payload().get("audit_only").asBoolean()).isTrue();
  }

  @Test
  void denyAsErrorAnswersWithTheSeedCodes() throws Exception {
    try (ProxyProcess p = proxy("err", List.of("--deny-as", "error"), dir.resolve("r"))) {
      JsonNode r = exchange(p, call(1, "echo", "{}")).get(0);
      assertThat(r.at("/error/code").asInt()).isEqualTo(-32000);
      assertThat(r.at("/error/data/reason").asText()).isEqualTo("PERMISSION_UNDECLARED");
      p.closeStdin();
      p.waitFor(30);
    }
  }

  @Test
  void anInvalidManifestStopsTheProxyWithEveryProblemListed() throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(
        bad, "{\"schema\":\"nope\",\"name\":\"\",\"version\":\"1\",\"publisher\":\"p\"}");
    try (ProxyProcess p =
        ProxyProcess.start(
            "aegis-proxy",
            List.of("--store", store(), "--manifest", bad.toString(), "--", "true"))) {
      assertThat(p.waitFor(30)).isEqualTo(2);
      assertThat(p.stderr()).contains("schema").contains("name").contains("version");
      assertThat(p.stdout()).isEmpty();
    }
  }

  /** aegis-proxy around the SDK example server, initialised; the caller sends the calls. */
  private ProxyProcess exampleServer(String session, String budgets) throws Exception {
    Path m = manifest("{\"tools\":[\"echo\",\"count_slowly\"],\"budgets\":" + budgets + "}");
    List<String> args =
        new ArrayList<>(
            List.of("--store", store(), "--session", session, "--manifest", m.toString(), "--"));
    args.addAll(dev.aegis.examples.ExampleServer.javaCommand());
    ProxyProcess p = ProxyProcess.start("aegis-proxy", args);
    exchange(
        p,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"guard-it\",\"version\":\"1\"}}}");
    p.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return p;
  }

  @Test
  void aCallPastTimeoutMsIsCancelledAndAnsweredWithTimeout() throws Exception {
    // 1000 steps of 10 ms against a 500 ms limit: a wide margin, no timing assertion.
    try (ProxyProcess p = exampleServer("slow", "{\"timeout_ms\":500}")) {
      JsonNode r = exchange(p, call(2, "count_slowly", "{\"n\":1000}")).get(0);
      assertThat(reason(r)).isEqualTo("TIMEOUT");
      p.closeStdin();
      p.waitFor(60);
    }
    assertThat(Chains.read(store(), "default", "slow"))
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo("MCP_FRAME");
              assertThat(e.field("origin")).isEqualTo("proxy");
              assertThat(e.field("method")).isEqualTo("notifications/cancelled");
            });
  }

  @Test
  void anAnswerOverMaxOutputBytesIsWithheld() throws Exception {
    try (ProxyProcess p = exampleServer("big", "{\"max_output_bytes\":400}")) {
      List<JsonNode> r =
          exchange(
              p,
              call(2, "echo", "{\"text\":\"" + "x".repeat(1000) + "\"}"),
              call(3, "echo", "{\"text\":\"hi\"}"));
      assertThat(reason(r.get(0))).isEqualTo("OUTPUT_TOO_LARGE");
      assertThat(r.get(1).at("/result/content/0/text").asText()).isEqualTo("hi");
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
    assertThat(Chains.read(store(), "default", "big"))
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo("TOOL_RESULT");
              assertThat(e.payload().path("withheld").asBoolean()).isTrue();
            });
    assertThat(Chains.verify(store(), "default", "big").valid()).isTrue();
  }
}
