package dev.aegis.cli.it;

import static dev.aegis.cli.it.McpLines.INIT;
import static dev.aegis.cli.it.McpLines.INITIALIZED;
import static dev.aegis.cli.it.McpLines.answer;
import static dev.aegis.cli.it.McpLines.ctl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.core.json.Json;
import dev.aegis.testsupport.NodePeers;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals end to end through bin/aegis-proxy to the real server-everything: a held call approved
 * by {@code aegisctl approve} in another process (with edited arguments, sealed as a diff), denied,
 * timed out and retried with its token (also across a proxy restart), single use; the 2025
 * elicitation path with the MCP Java SDK client; the 2026-07-28 MRTR path with a signed request
 * state (tampering and replay refused).
 */
class ApprovalIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  private Path manifest() throws Exception {
    Path m = dir.resolve("manifest.json");
    Files.writeString(
        m,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\",\"version\":\"1.0.0\","
            + "\"publisher\":\"t\",\"permissions\":{\"tools\":[\"echo\",\"get-sum\"],"
            + "\"approval_required\":[\"echo\"]}}");
    return m;
  }

  /** Flags added before the server command. */
  private final List<String> extraFlags = new ArrayList<>();

  private List<String> proxyArgs(String session, String hold) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                store(),
                "--session",
                session,
                "--manifest",
                manifest().toString(),
                "--approval-hold",
                hold,
                "--approval-key",
                dir.resolve("approval.key").toString()));
    args.addAll(extraFlags);
    args.add("--");
    args.addAll(NodePeers.everythingServer());
    return args;
  }

  private ProxyProcess proxy(String session, String hold) throws Exception {
    ProxyProcess p = ProxyProcess.start("aegis-proxy", proxyArgs(session, hold));
    p.send(INIT);
    p.awaitLines(1, 60);
    p.send(INITIALIZED);
    return p;
  }

  private static String echo(int id, String message, String meta) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\""
        + message
        + "\"}"
        + (meta == null ? "" : ",\"_meta\":" + meta)
        + "}}";
  }

  private static List<JsonNode> notifications(ProxyProcess p, String method) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : p.stdout().split("\n")) {
      if (!line.isBlank()) {
        JsonNode n = Json.parse(line.getBytes(StandardCharsets.UTF_8));
        if (method.equals(n.path("method").asText())) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** Polls {@code aegisctl approvals list --json} until a pending request appears. */
  private JsonNode pendingRequest() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      McpLines.Ctl r = ctl("approvals", "list", "--json", "--store", store());
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode list = Json.parse(r.out().getBytes(StandardCharsets.UTF_8)).path("approvals");
      if (list.size() > 0) {
        return list.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no pending approval request appeared");
  }

  private static String text(JsonNode answer) {
    return answer.at("/result/content/0/text").asText();
  }

  private List<Chains.Event> events(String session) throws Exception {
    return Chains.read(store(), "default", session);
  }

  private static List<Chains.Event> ofType(List<Chains.Event> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).collect(Collectors.toList());
  }

  @Test
  void heldCallRunsWhenAnOperatorApprovesFromAnotherProcessWithEditedArguments() throws Exception {
    try (ProxyProcess p = proxy("held", "60s")) {
      p.send(echo(1, "rm -rf /tmp/x", "{\"progressToken\":\"pt-1\"}"));
      JsonNode req = pendingRequest();
      assertThat(req.path("tool_name").asText()).isEqualTo("echo");
      assertThat(req.at("/args/message").asText()).isEqualTo("rm -rf /tmp/x");
      String token = req.path("token").asText();
      Path edited = dir.resolve("edited.json");
      Files.writeString(edited, "{\"message\":\"ls /tmp/x\"}");
      McpLines.Ctl ok =
          ctl("approve", token, "--store", store(), "--args", edited.toString(), "--by", "al");
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("approved echo");
      JsonNode a = answer(p, 1);
      assertThat(text(a)).as("the server ran the edited call").isEqualTo("Echo: ls /tmp/x");
      assertThat(notifications(p, "notifications/progress"))
          .as("the held call reported progress with the token")
          .anySatisfy(n -> assertThat(n.at("/params/message").asText()).contains(token));
      McpLines.Ctl again = ctl("approve", token, "--store", store());
      assertThat(again.code()).as("a decided token cannot be decided again").isEqualTo(1);
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
    List<Chains.Event> ev = events("held");
    Chains.Event requested = ofType(ev, "APPROVAL_REQUESTED").get(0);
    Chains.Event decided = ofType(ev, "APPROVAL_DECIDED").get(0);
    assertThat(requested.payload().path("channel").asText()).isEqualTo("operator");
    assertThat(decided.payload().path("approved").asBoolean()).isTrue();
    assertThat(decided.payload().path("decided_by").asText()).isEqualTo("al");
    assertThat(decided.payload().at("/args_diff/0/key").asText()).isEqualTo("message");
    assertThat(decided.payload().at("/args_diff/0/after").asText()).isEqualTo("ls /tmp/x");
    List<String> order =
        ev.stream()
            .map(Chains.Event::type)
            .filter(t -> !t.equals("MCP_FRAME"))
            .collect(Collectors.toList());
    assertThat(order)
        .containsSubsequence(
            "TOOL_CALL_PROPOSED",
            "POLICY_DECISION",
            "APPROVAL_REQUESTED",
            "APPROVAL_DECIDED",
            "TOOL_CALL_ALLOWED",
            "TOOL_CALL_EXECUTED",
            "TOOL_RESULT");
    assertThat(Chains.verify(store(), "default", "held").valid()).isTrue();
  }

  @Test
  void heldCallIsRefusedWhenTheOperatorNotifiedByWebhookDenies() throws Exception {
    BlockingQueue<JsonNode> notices = new LinkedBlockingQueue<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    hook.createContext(
        "/hook",
        ex -> {
          try (ex) {
            notices.add(Json.parse(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
          }
        });
    hook.start();
    extraFlags.addAll(
        List.of("--approval-notify", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
    try (ProxyProcess p = proxy("denied", "60s")) {
      p.send(echo(1, "deploy", null));
      JsonNode notice = notices.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(notice).as("the operator's webhook was told").isNotNull();
      assertThat(notice.path("event").asText()).isEqualTo("approval_requested");
      assertThat(notice.path("tool_name").asText()).isEqualTo("echo");
      assertThat(notice.at("/args/message").asText()).isEqualTo("deploy");
      assertThat(notice.path("session_id").asText()).isEqualTo("denied");
      String token = notice.path("token").asText();
      assertThat(notice.path("text").asText()).contains("aegisctl approve " + token);
      assertThat(pendingRequest().path("token").asText()).isEqualTo(token);
      McpLines.Ctl no =
          ctl("approve", token, "--deny", "--message", "not today", "--store", store());
      assertThat(no.code()).as(no.err()).isZero();
      JsonNode a = answer(p, 1);
      assertThat(a.at("/result/isError").asBoolean()).isTrue();
      assertThat(a.at("/result/structuredContent/aegis/reason").asText())
          .isEqualTo("APPROVAL_DENIED");
      assertThat(text(a)).contains("not today");
      p.closeStdin();
      p.waitFor(30);
    }
    hook.stop(0);
    assertThat(ofType(events("denied"), "TOOL_CALL_EXECUTED")).isEmpty();
  }

  @Test
  void undecidedCallGetsATokenThatWorksOnceAfterApprovalEvenAcrossARestart() throws Exception {
    String token;
    try (ProxyProcess p = proxy("retry", "0s")) {
      JsonNode first = answer(sent(p, echo(1, "hello", null)), 1);
      assertThat(first.at("/result/structuredContent/aegis/reason").asText())
          .isEqualTo("APPROVAL_REQUIRED");
      token = first.at("/result/structuredContent/aegis/approval_token").asText();
      assertThat(token).startsWith("apv1-");
      assertThat(text(first)).contains("aegisctl approve " + token);
      p.closeStdin();
      p.waitFor(30);
    }
    McpLines.Ctl ok = ctl("approve", token, "--store", store());
    assertThat(ok.code()).as(ok.err()).isZero();
    try (ProxyProcess p = proxy("retry", "0s")) { // restarted on the same session
      String meta = "{\"io.aegis/approval_token\":\"" + token + "\"}";
      JsonNode other = answer(sent(p, echo(2, "something else", meta)), 2);
      assertThat(other.at("/result/structuredContent/aegis/reason").asText())
          .as("a token is bound to its call's arguments")
          .isEqualTo("APPROVAL_REQUIRED");
      assertThat(text(other)).contains("another call");
      JsonNode retried = answer(sent(p, echo(3, "hello", meta)), 3);
      assertThat(text(retried)).isEqualTo("Echo: hello");
      JsonNode reused = answer(sent(p, echo(4, "hello", meta)), 4);
      assertThat(reused.at("/result/structuredContent/aegis/reason").asText())
          .as("single use")
          .isEqualTo("APPROVAL_REQUIRED");
      assertThat(text(reused)).contains("already used");
      p.closeStdin();
      p.waitFor(30);
    }
    assertThat(Chains.verify(store(), "default", "retry").valid()).isTrue();
    assertThat(ofType(events("retry"), "APPROVAL_DECIDED"))
        .singleElement()
        .satisfies(e -> assertThat(e.payload().path("channel").asText()).isEqualTo("token"));
  }

  private static ProxyProcess sent(ProxyProcess p, String line) throws Exception {
    p.send(line);
    return p;
  }

  @Test
  void mrtrClientAnswersAnInputRequiredResultAndRetriesWithTheSignedState() throws Exception {
    String meta =
        "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{}}}";
    try (ProxyProcess p = proxy("mrtr", "60s")) {
      JsonNode ir = answer(sent(p, echo(1, "mrtr hello", meta)), 1);
      assertThat(ir.at("/result/resultType").asText()).isEqualTo("input_required");
      JsonNode ask = ir.at("/result/inputRequests/io.aegis~1approval");
      assertThat(ask.path("method").asText()).isEqualTo("elicitation/create");
      assertThat(ask.at("/params/message").asText()).contains("echo");
      String state = ir.at("/result/requestState").asText();
      String approve =
          "\"inputResponses\":{\"io.aegis/approval\":{\"action\":\"accept\",\"content\":"
              + "{\"decision\":\"approve\"}}}";
      String tampered = state.substring(0, state.length() - 2) + "AA";
      JsonNode bad = answer(sent(p, retry(2, "mrtr hello", meta, approve, tampered)), 2);
      assertThat(bad.at("/result/resultType").asText())
          .as("a tampered state is not an approval: the user is asked again")
          .isEqualTo("input_required");
      JsonNode other = answer(sent(p, retry(3, "other args", meta, approve, state)), 3);
      assertThat(other.at("/result/resultType").asText()).isEqualTo("input_required");
      JsonNode done = answer(sent(p, retry(4, "mrtr hello", meta, approve, state)), 4);
      assertThat(text(done)).isEqualTo("Echo: mrtr hello");
      JsonNode replay = answer(sent(p, retry(5, "mrtr hello", meta, approve, state)), 5);
      assertThat(replay.at("/result/resultType").asText())
          .as("a redeemed state cannot be replayed")
          .isEqualTo("input_required");
      String decline = "\"inputResponses\":{\"io.aegis/approval\":{\"action\":\"decline\"}}";
      String fresh = replay.at("/result/requestState").asText();
      JsonNode declined = answer(sent(p, retry(6, "mrtr hello", meta, decline, fresh)), 6);
      assertThat(declined.at("/result/structuredContent/aegis/reason").asText())
          .isEqualTo("APPROVAL_DENIED");
      assertThat(declined.at("/result/resultType").asText())
          .as("2026 clients get resultType on the proxy's results")
          .isEqualTo("complete");
      p.closeStdin();
      p.waitFor(30);
    }
    List<Chains.Event> ev = events("mrtr");
    assertThat(ofType(ev, "APPROVAL_DECIDED"))
        .extracting(e -> e.payload().path("approved").asBoolean())
        .containsExactly(true, false);
    // the server never saw the proxy's own MRTR fields
    assertThat(
            ofType(ev, "MCP_FRAME").stream()
                .filter(e -> e.payload().path("origin").asText().equals("proxy"))
                .filter(e -> e.payload().path("direction").asText().equals("client_to_server")))
        .hasSize(1);
    assertThat(Chains.verify(store(), "default", "mrtr").valid()).isTrue();
  }

  private static String retry(int id, String message, String meta, String responses, String st) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\""
        + message
        + "\"},\"_meta\":"
        + meta
        + ","
        + responses
        + ",\"requestState\":\""
        + st
        + "\"}}";
  }

  @Test
  void sdkClientThatDeclaredElicitationIsAskedByTheProxy() throws Exception {
    AtomicReference<String> asked = new AtomicReference<>();
    AtomicReference<String> decision = new AtomicReference<>("approve");
    List<String> cmd = new ArrayList<>(List.of(ProxyProcess.bin("aegis-proxy").toString()));
    cmd.addAll(proxyArgs("elicit", "60s"));
    ServerParameters params =
        ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).build();
    StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
    try (McpSyncClient client =
        McpClient.sync(transport)
            .clientInfo(new Implementation("approval-it", "1.0.0"))
            .requestTimeout(WAIT)
            .initializationTimeout(WAIT)
            .capabilities(ClientCapabilities.builder().elicitation().build())
            .elicitation(
                req -> {
                  asked.set(req.message());
                  return new ElicitResult(
                      ElicitResult.Action.ACCEPT, Map.of("decision", decision.get()));
                })
            .build()) {
      client.initialize();
      CallToolResult ok =
          client.callTool(new CallToolRequest("echo", Map.of("message", "via elicitation")));
      assertThat(((TextContent) ok.content().get(0)).text()).isEqualTo("Echo: via elicitation");
      assertThat(asked.get()).contains("echo").contains("via elicitation");
      decision.set("deny");
      CallToolResult no = client.callTool(new CallToolRequest("echo", Map.of("message", "no")));
      assertThat(no.isError()).isTrue();
      assertThat(((TextContent) no.content().get(0)).text()).contains("APPROVAL_DENIED");
    }
    // the SDK client stops the proxy with SIGTERM: read once its TERMINATION is stored
    List<Chains.Event> ev = Chains.readFinished(store(), "default", "elicit");
    assertThat(ofType(ev, "APPROVAL_DECIDED"))
        .extracting(e -> e.payload().path("channel").asText())
        .containsExactly("elicitation", "elicitation");
    assertThat(ofType(ev, "TOOL_CALL_EXECUTED")).hasSize(1);
  }
}
