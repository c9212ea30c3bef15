package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegis-proxy --upstream URL} without {@code --listen}: the MCP Java SDK's stdio client
 * talks to the proxy, which talks Streamable HTTP to server-everything. Policy, progress over SSE,
 * an elicitation round trip, credentials kept out of the chain and logs; an unreachable upstream at
 * start, an upstream that restarts (HTTP errors) and one that goes away.
 */
class StdioHttpIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "s3cr3t-token-never-sealed";

  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  @Test
  void sdkStdioClientThroughTheProxyToAnHttpServer() throws Exception {
    int port = HttpPeers.freePort();
    Process upstream = HttpPeers.everything(port, dir.resolve("upstream.log"));
    List<String> args =
        List.of(
            "--store",
            store(),
            "--session",
            "sh-1",
            "--manifest",
            HttpPeers.manifest("server-everything.json").toString(),
            "--upstream-header",
            "X-Api-Key: " + SECRET,
            "--upstream",
            "http://ada:pw-" + SECRET + "@127.0.0.1:" + port + "/mcp");
    ServerParameters params =
        ServerParameters.builder(ProxyProcess.bin("aegis-proxy").toString()).args(args).build();
    Queue<ProgressNotification> progress = new ConcurrentLinkedQueue<>();
    AtomicReference<String> asked = new AtomicReference<>();
    try (McpSyncClient client =
        McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
            .requestTimeout(WAIT)
            .initializationTimeout(WAIT)
            .progressConsumer(progress::add)
            .capabilities(ClientCapabilities.builder().elicitation().build())
            .elicitation(
                req -> {
                  asked.set(req.message());
                  return new ElicitResult(ElicitResult.Action.ACCEPT, Map.of("name", "Ada"));
                })
            .build()) {
      assertThat(client.initialize().serverInfo().name()).isEqualTo("mcp-servers/everything");
      List<String> listed = client.listTools().tools().stream().map(Tool::name).toList();
      assertThat(listed)
          .contains("echo", "trigger-elicitation-request")
          .doesNotContain("get-env")
          .allMatch(HttpPeers.declaredTools("server-everything.json")::contains);

      SdkHttpScenario.allowedDeniedAndProgress(client, progress, "hi");

      CallToolResult elicited =
          client.callTool(new CallToolRequest("trigger-elicitation-request", Map.of()));
      assertThat(asked.get()).contains("Please provide inputs");
      assertThat(elicited.content().stream().map(c -> ((TextContent) c).text()).toList())
          .anyMatch(t -> t.contains("Name: Ada"));
      client.closeGracefully();
    } finally {
      upstream.destroy();
    }
    List<Chains.Event> events = Chains.readFinished(store(), "default", "sh-1");
    assertThat(events.get(events.size() - 1).type()).isEqualTo("TERMINATION");
    JsonNode started = events.get(0).payload();
    assertThat(started.path("transport").asText()).isEqualTo("stdio-http");
    assertThat(started.path("upstream_url").asText())
        .isEqualTo("http://127.0.0.1:" + port + "/mcp");
    assertThat(started.path("upstream_id").asText()).isEqualTo("http:127.0.0.1:" + port + "/mcp");
    assertThat(Chains.frames(events, "server_to_client"))
        .as("the server's elicitation request, relayed")
        .anyMatch(e -> "elicitation/create".equals(e.field("method")));
    String deniedId =
        events.stream()
            .filter(e -> e.type().equals("TOOL_CALL_DENIED"))
            .map(e -> e.field("call_id").replace("\"", ""))
            .findFirst()
            .orElseThrow();
    assertThat(Chains.frames(events, "server_to_client"))
        .as(
            "the denied call %s was never relayed: its only answer came from the proxy; %s",
            deniedId,
            Chains.frames(events, "server_to_client").stream()
                .map(e -> e.field("id") + "/" + e.field("origin"))
                .toList())
        .filteredOn(e -> e.field("id") != null)
        .filteredOn(e -> deniedId.equals(e.field("id").replace("\"", "")))
        .extracting(e -> e.field("origin"))
        .containsExactly("proxy");
    String all = events.stream().map(e -> e.payload().toString()).collect(Collectors.joining());
    assertThat(all).doesNotContain(SECRET);
    McpLines.Ctl verified = McpLines.ctl("verify", "--store", store(), "--session", "sh-1");
    assertThat(verified.code()).as(verified.out() + verified.err()).isZero();
  }

  @Test
  void anUnreachableUpstreamStopsTheProxyAtStart() throws Exception {
    int port = HttpPeers.freePort(); // nothing listens there
    try (ProxyProcess proxy =
        ProxyProcess.start(
            "aegis-proxy",
            List.of("--store", store(), "--upstream", "http://127.0.0.1:" + port + "/mcp"))) {
      assertThat(proxy.waitFor(60)).as(proxy.stderr()).isEqualTo(127);
      assertThat(proxy.stderr())
          .contains("cannot reach the MCP server at http://127.0.0.1:" + port + "/mcp");
      assertThat(proxy.stdout()).isEmpty();
    }
  }

  @Test
  void httpErrorsAnswerTheCallAndALostUpstreamEndsTheSession() throws Exception {
    int port = HttpPeers.freePort();
    Process upstream = HttpPeers.everything(port, dir.resolve("upstream.log"));
    List<String> args = new ArrayList<>(List.of("--store", store(), "--session", "sh-3"));
    args.addAll(List.of("--manifest", HttpPeers.manifest("server-everything.json").toString()));
    args.addAll(List.of("--upstream", "http://127.0.0.1:" + port + "/mcp"));
    args.addAll(List.of("--upstream-header", "Authorization: Bearer " + SECRET));
    try (ProxyProcess proxy = ProxyProcess.start("aegis-proxy", args)) {
      proxy.send(McpLines.INIT);
      McpLines.answer(proxy, 0);
      proxy.send(McpLines.INITIALIZED);
      proxy.send(echo(1));
      assertThat(McpLines.answer(proxy, 1).at("/result/content/0/text").asText())
          .isEqualTo("Echo: 1");

      upstream.destroy(); // a new server process on the same port does not know the session
      upstream.waitFor();
      upstream = HttpPeers.everything(port, dir.resolve("upstream2.log"));
      proxy.send(echo(2));
      JsonNode refused = McpLines.answer(proxy, 2);
      assertThat(refused.at("/error/message").asText()).containsPattern("HTTP 4\\d\\d");
      assertThat(refused.at("/error/data/source").asText()).isEqualTo("aegis");
      assertThat(proxy.process.isAlive()).isTrue();

      upstream.destroy(); // now gone for good
      upstream.waitFor();
      proxy.send(echo(3));
      assertThat(McpLines.answer(proxy, 3).at("/error/message").asText()).contains("cannot reach");
      assertThat(proxy.waitFor(60)).as(proxy.stderr()).isEqualTo(69);
      assertThat(proxy.stderr()).contains("MCP server gone").doesNotContain(SECRET);
    } finally {
      upstream.destroy();
    }
    List<Chains.Event> events = Chains.read(store(), "default", "sh-3");
    assertThat(events.get(events.size() - 1).type()).isEqualTo("TERMINATION");
    assertThat(events.get(events.size() - 1).payload().path("exit_code").asInt()).isEqualTo(69);
    assertThat(Chains.verify(store(), "default", "sh-3").valid()).isTrue();
  }

  private static String echo(int id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\""
        + id
        + "\"}}}";
  }
}
