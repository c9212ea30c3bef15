package dev.aegis.cli.it;

import static dev.aegis.cli.it.McpLines.INIT;
import static dev.aegis.cli.it.McpLines.INITIALIZED;
import static dev.aegis.cli.it.McpLines.answer;
import static dev.aegis.cli.it.McpLines.call;
import static dev.aegis.cli.it.McpLines.ctl;
import static dev.aegis.cli.it.McpLines.handshakeAndList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.policy.grpc.OpaSidecar;
import dev.aegis.testsupport.NodePeers;
import dev.aegis.testsupport.ScriptedPeer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegisctl replay} on sessions recorded through bin/aegis-proxy: a session with allowed,
 * undeclared, looping and over-budget calls, pinned tools and an operator approval (server-
 * everything) replays identically on the Wasm engine; a session decided by a real OPA sidecar
 * replays identically through the sidecar; a tampered manifest lists exactly the decisions that
 * change (what-if); a different policy bundle is refused, and with --force reported as differences;
 * an MCP Java SDK client gets the same answers from {@code aegis-proxy --replay-from} (the
 * recording as a mock server) as from the real server, on stdio and over Streamable HTTP.
 */
class ReplayIT {

  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  private Path manifest(String name, String permissions) throws Exception {
    return McpLines.manifest(dir.resolve(name), permissions);
  }

  private McpLines.Ctl replay(String session, String... flags) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("replay", "--store", store(), "--session", session));
    args.addAll(List.of(flags));
    return ctl(args);
  }

  private String pendingToken() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      McpLines.Ctl r = ctl(List.of("approvals", "list", "--json", "--store", store()));
      JsonNode list = r.json().path("approvals");
      if (list.size() > 0) {
        return list.get(0).path("token").asText();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no pending approval");
  }

  private Set<String> reasons(String session) {
    Set<String> out = new HashSet<>();
    Chains.ofType(store(), session, "POLICY_DECISION")
        .forEach(e -> out.add(e.payload().path("reason").asText()));
    return out;
  }

  @Test
  void aSessionWithEveryKindOfDecisionAndAnApprovalReplaysIdentically() throws Exception {
    Path m =
        manifest(
            "m.json",
            "{\"tools\":[\"echo\",\"get-sum\"],\"approval_required\":[\"get-sum\"],"
                + "\"budgets\":{\"max_tool_calls\":6},\"loops\":{\"no_progress_threshold\":50}}");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                store(),
                "--session",
                "rec",
                "--manifest",
                m.toString(),
                "--approval-hold",
                "60s",
                "--approval-key",
                dir.resolve("approval.key").toString(),
                "--checkpoint-every",
                "7",
                "--rate-limit", // the eighth echo (id 11) finds the bucket empty
                "tool:echo=7/h",
                "--"));
    args.addAll(NodePeers.everythingServer());
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      handshakeAndList(p);
      p.send(call(2, "echo", "{\"message\":\"a\"}"));
      answer(p, 2);
      p.send(call(3, "get-sum", "{\"a\":1,\"b\":2}"));
      String token = pendingToken();
      McpLines.Ctl ok = ctl(List.of("approve", token, "--store", store(), "--by", "al"));
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(answer(p, 3).at("/result/content/0/text").asText()).contains("3");
      p.send(call(4, "rm", "{\"path\":\"/\"}"));
      answer(p, 4);
      for (int id = 5; id <= 7; id++) {
        p.send(call(id, "echo", "{\"message\":\"same\"}"));
        answer(p, id);
      }
      for (int id = 8; id <= 11; id++) {
        p.send(call(id, "echo", "{\"message\":\"m" + id + "\"}"));
        answer(p, id);
      }
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
    assertThat(reasons("rec"))
        .as("the recording has every kind of decision")
        .contains(
            "OK", "APPROVAL_REQUIRED", "PERMISSION_UNDECLARED", "LOOP_DETECTED", "BUDGET_EXCEEDED");
    assertThat(Chains.ofType(store(), "rec", "TOOL_CALL_DENIED"))
        .as("a call refused by the rate limit, before any decision")
        .anySatisfy(e -> assertThat(e.payload().path("reason").asText()).isEqualTo("RATE_LIMITED"));
    assertThat(Chains.ofType(store(), "rec", "APPROVAL_DECIDED")).hasSize(1);
    assertThat(Chains.ofType(store(), "rec", "TOOL_CATALOG_PINNED")).isNotEmpty();
    assertThat(Chains.ofType(store(), "rec", "CHECKPOINT_CREATED"))
        .as("checkpoints in the middle of the recording")
        .hasSizeGreaterThan(2);

    McpLines.Ctl r = replay("rec", "--manifest", m.toString(), "--json");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    JsonNode report = r.json();
    assertThat(report.path("identical").asBoolean()).isTrue();
    assertThat(report.path("diffs").isArray()).isTrue();
    assertThat(report.path("diffs")).isEmpty();
    assertThat(report.path("steps_replayed").asLong()).isGreaterThan(20);

    McpLines.Ctl text = replay("rec", "--manifest", m.toString());
    assertThat(text.code()).isZero();
    assertThat(text.out()).contains("session rec:").contains("identical");
  }

  @Test
  void overlappingCallsReplayInTheirRecordedInterleaving() throws Exception {
    Path m = manifest("m.json", "{\"tools\":[\"echo\",\"get-sum\"]}");
    List<String> args =
        new ArrayList<>(
            List.of("--store", store(), "--session", "overlap", "--manifest", m.toString(), "--"));
    args.addAll(NodePeers.everythingServer());
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      // sent at once, while the server still starts: proposals, decisions and forwards of the
      // calls interleave in the recording
      p.send(INIT);
      p.send(INITIALIZED);
      p.send(call(1, "echo", "{\"message\":\"a\"}"));
      p.send(call(2, "get-sum", "{\"a\":1,\"b\":2}"));
      p.send(call(3, "rm", "{\"path\":\"/\"}"));
      p.send(call(4, "echo", "{\"message\":\"b\"}"));
      for (int id = 0; id <= 4; id++) {
        answer(p, id);
      }
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
    List<String> order =
        Chains.read(store(), "default", "overlap").stream().map(Chains.Event::type).toList();
    int firstDecision = order.indexOf("POLICY_DECISION");
    assertThat(order.subList(0, firstDecision))
        .as("a later call's proposal was sealed before the first decision")
        .filteredOn("TOOL_CALL_PROPOSED"::equals)
        .hasSizeGreaterThan(1);

    McpLines.Ctl r = replay("overlap", "--manifest", m.toString(), "--json");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.json().path("identical").asBoolean()).isTrue();
  }

  /** Records echo, get-sum, echo under a manifest declaring only echo (ScriptedPeer answers). */
  private Path recordSwap(String session) throws Exception {
    Path m = manifest("only-echo.json", "{\"tools\":[\"echo\"]}");
    List<String> args =
        new ArrayList<>(
            List.of("--store", store(), "--session", session, "--manifest", m.toString(), "--"));
    args.addAll(ProxyProcess.javaMain(ScriptedPeer.class, "--reply"));
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      p.send(call(1, "echo", "{\"message\":\"x\"}"));
      answer(p, 1);
      p.send(call(2, "get-sum", "{\"a\":1,\"b\":2}"));
      answer(p, 2);
      p.send(call(3, "echo", "{\"message\":\"y\"}"));
      answer(p, 3);
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
    return m;
  }

  @Test
  void whatIfListsExactlyTheDecisionsATamperedManifestChanges() throws Exception {
    Path recorded = recordSwap("swap");
    assertThat(replay("swap", "--manifest", recorded.toString()).code()).isZero();
    Path tampered = manifest("only-sum.json", "{\"tools\":[\"get-sum\"]}");

    McpLines.Ctl r =
        replay("swap", "--mode", "what-if", "--manifest", tampered.toString(), "--json");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    JsonNode changes = r.json().at("/sessions/0/changes");
    List<String> seen = new ArrayList<>();
    for (JsonNode c : changes) {
      seen.add(
          c.path("tool").asText()
              + " "
              + c.at("/recorded/outcome").asText()
              + "/"
              + c.at("/recorded/reason").asText()
              + " -> "
              + c.at("/replayed/outcome").asText()
              + "/"
              + c.at("/replayed/reason").asText()
              + (c.path("no_recorded_result").asBoolean() ? " no_recorded_result" : ""));
    }
    assertThat(seen)
        .containsExactly(
            "echo allow/OK -> deny/PERMISSION_UNDECLARED",
            "get-sum deny/PERMISSION_UNDECLARED -> allow/OK no_recorded_result",
            "echo allow/OK -> deny/PERMISSION_UNDECLARED");
    assertThat(r.json().at("/sessions/0/decisions").asLong()).isEqualTo(3);

    McpLines.Ctl unchanged =
        ctl(
            List.of(
                "replay",
                "--store",
                store(),
                "--mode",
                "what-if",
                "--manifest",
                recorded.toString(),
                "--since",
                "0"));
    assertThat(unchanged.code()).as(unchanged.out() + unchanged.err()).isZero();
    assertThat(unchanged.out()).contains("0 decision(s) would change in 1 session(s)");
  }

  @Test
  void aDifferentBundleIsRefusedAndWithForceReportedAsDifferences() throws Exception {
    Path recorded = recordSwap("bundle");
    Path other =
        ProxyProcess.ROOT.resolve(
            "guard/src/test/resources/dev/aegis/guard/policy/testpolicy/test-policy.tar.gz");
    McpLines.Ctl refused =
        replay("bundle", "--manifest", recorded.toString(), "--bundle", other.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("recorded bundle_sha256").contains("--force");

    McpLines.Ctl forced =
        replay(
            "bundle",
            "--manifest",
            recorded.toString(),
            "--bundle",
            other.toString(),
            "--force",
            "--json");
    assertThat(forced.code()).as(forced.out() + forced.err()).isEqualTo(1);
    JsonNode report = forced.json();
    assertThat(report.path("identical").asBoolean()).isFalse();
    List<String> fields = new ArrayList<>();
    report.path("diffs").forEach(d -> fields.add(d.path("field").asText()));
    assertThat(fields).contains("payload.bundle_sha256");
  }

  @Test
  void aSessionDecidedByTheOpaSidecarReplaysIdenticallyThroughIt() throws Exception {
    Path m =
        manifest(
            "m.json",
            "{\"tools\":[\"echo\"],\"budgets\":{\"max_tool_calls\":3},"
                + "\"loops\":{\"no_progress_threshold\":50}}");
    List<Path> rego =
        List.of(
            ProxyProcess.ROOT.resolve("policies/aegis"),
            ProxyProcess.ROOT.resolve("policies/envoy"));
    try (OpaSidecar sidecar = OpaSidecar.start(dir.resolve("opa"), rego)) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--store",
                  store(),
                  "--session",
                  "opa",
                  "--manifest",
                  m.toString(),
                  "--policy-engine",
                  "opa-grpc",
                  "--opa-addr",
                  sidecar.target(),
                  "--opa-deadline",
                  "5s",
                  "--"));
      args.addAll(ProxyProcess.javaMain(ScriptedPeer.class, "--reply"));
      try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
        p.send(call(1, "echo", "{\"message\":\"x\"}"));
        answer(p, 1);
        p.send(call(2, "rm", "{}"));
        answer(p, 2);
        for (int id = 3; id <= 5; id++) {
          p.send(call(id, "echo", "{\"message\":\"m" + id + "\"}"));
          answer(p, id);
        }
        p.closeStdin();
        assertThat(p.waitFor(30)).isZero();
      }
      assertThat(reasons("opa")).contains("OK", "PERMISSION_UNDECLARED", "BUDGET_EXCEEDED");
      McpLines.Ctl r =
          replay(
              "opa",
              "--manifest",
              m.toString(),
              "--policy-engine",
              "opa-grpc",
              "--opa-addr",
              sidecar.target(),
              "--json");
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.json().path("identical").asBoolean()).isTrue();
      McpLines.Ctl wasm = replay("opa", "--manifest", m.toString(), "--json");
      assertThat(wasm.err()).contains("recorded engine opa-grpc");
      assertThat(wasm.code()).as("the recorded engine is checked").isEqualTo(2);
    }
  }

  private static McpSyncClient sdkClient(List<String> cmd) {
    ServerParameters params =
        ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).build();
    return McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
        .clientInfo(new Implementation("replay-it", "1.0.0"))
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(60))
        .build();
  }

  /** What the agent saw: the tool names listed and the texts of three calls. */
  private static List<String> conversation(McpSyncClient client) {
    List<String> seen = new ArrayList<>();
    client.initialize();
    client.listTools().tools().forEach(t -> seen.add("tool " + t.name()));
    for (CallToolRequest req :
        List.of(
            new CallToolRequest("echo", Map.of("message", "hello")),
            new CallToolRequest("get-sum", Map.of("a", 2, "b", 5)),
            new CallToolRequest("rm", Map.of("path", "/")))) {
      CallToolResult r = client.callTool(req);
      seen.add(req.name() + " " + r.isError() + " " + ((TextContent) r.content().get(0)).text());
    }
    return seen;
  }

  /** An SDK client's conversation with server-everything through the proxy (session "recorded"). */
  private List<String> recordConversation() throws Exception {
    Path m = manifest("m.json", "{\"tools\":[\"echo\",\"get-sum\"]}");
    List<String> live =
        new ArrayList<>(
            List.of(
                ProxyProcess.bin("aegis-proxy").toString(),
                "--store",
                store(),
                "--session",
                "recorded",
                "--manifest",
                m.toString(),
                "--"));
    live.addAll(NodePeers.everythingServer());
    List<String> recorded;
    try (McpSyncClient client = sdkClient(live)) {
      recorded = conversation(client);
    }
    return recorded;
  }

  @Test
  void anSdkClientGetsTheRecordedConversationBackFromTheRecordingAsAMockServer() throws Exception {
    List<String> recorded = recordConversation();
    assertThat(recorded).contains("tool echo", "echo null Echo: hello");
    assertThat(recorded)
        .anySatisfy(l -> assertThat(l).startsWith("rm true").contains("PERMISSION_UNDECLARED"));

    List<String> mock =
        List.of(
            ProxyProcess.bin("aegis-proxy").toString(),
            "--replay-from",
            store(),
            "--session",
            "recorded");
    try (McpSyncClient client = sdkClient(mock)) {
      assertThat(conversation(client)).isEqualTo(recorded);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> client.callTool(new CallToolRequest("echo", Map.of("message", "never said"))))
          .hasMessageContaining("no recorded answer");
    }
  }

  @Test
  void anSdkHttpClientGetsTheRecordedConversationBackFromTheMockOverStreamableHttp()
      throws Exception {
    List<String> recorded = recordConversation();

    int port = HttpPeers.freePort();
    try (ProxyProcess mock =
        ProxyProcess.start(
            "aegis-proxy",
            List.of(
                "--replay-from",
                store(),
                "--session",
                "recorded",
                "--listen",
                "127.0.0.1:" + port))) {
      HttpPeers.awaitPort(port, mock.process);
      String base = "http://127.0.0.1:" + port;
      McpSyncClient client =
          McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp").build())
              .clientInfo(new Implementation("replay-it", "1.0.0"))
              .requestTimeout(Duration.ofSeconds(60))
              .initializationTimeout(Duration.ofSeconds(60))
              .build();
      try (client) {
        assertThat(conversation(client)).isEqualTo(recorded);
        assertThatThrownBy(
                () -> client.callTool(new CallToolRequest("echo", Map.of("message", "never"))))
            .hasMessageContaining("no recorded answer");
      }

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> unknown =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/mcp"))
                  .header("Content-Type", "application/json")
                  .header("Mcp-Session-Id", "not-issued")
                  .POST(HttpRequest.BodyPublishers.ofString(call(9, "echo", "{}")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(404);
      HttpResponse<String> init =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/mcp"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(INIT))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(init.statusCode()).isEqualTo(200);
      assertThat(init.headers().firstValue("Mcp-Session-Id")).isPresent();
      assertThat(init.body()).contains("\"id\":0").contains("serverInfo");
      HttpResponse<String> get =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/mcp")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      mock.process.destroy();
      assertThat(mock.waitFor(30)).as(mock.stderr()).isZero();
    }
  }
}
