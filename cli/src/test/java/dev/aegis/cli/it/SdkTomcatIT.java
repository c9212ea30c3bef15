package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.store.ChainStores;
import dev.aegis.testsupport.ConformanceFixture;
import dev.aegis.testsupport.SdkTomcatServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP Java SDK Streamable HTTP client through aegis-proxy to the MCP Java SDK server on
 * embedded Tomcat: initialize, the three lists, an allowed call, a denied one, progress, and the
 * server's own requests (elicitation, sampling) relayed to the client and its answers relayed back,
 * every frame sealed in the session's chain.
 */
class SdkTomcatIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void sdkClientThroughTheProxyToTheSdkServerOnTomcat() throws Exception {
    List<String> allowed = new ArrayList<>(ConformanceFixture.TOOLS);
    allowed.remove("test_error_handling"); // denied by the manifest
    Path manifest = ConformanceRun.manifest(dir.resolve("m.json"), allowed);
    Queue<ProgressNotification> progress = new ConcurrentLinkedQueue<>();
    Queue<ElicitRequest> elicited = new ConcurrentLinkedQueue<>();
    Queue<CreateMessageRequest> sampled = new ConcurrentLinkedQueue<>();
    try (SdkTomcatServer server = SdkTomcatServer.start();
        ConformanceRun.Listening gw = ConformanceRun.proxy(dir, server.url(), manifest)) {
      String base = gw.url().substring(0, gw.url().length() - SdkTomcatServer.MCP_PATH.length());
      McpSyncClient client =
          McpClient.sync(
                  HttpClientStreamableHttpTransport.builder(base)
                      .endpoint(SdkTomcatServer.MCP_PATH)
                      .build())
              .requestTimeout(TIMEOUT)
              .initializationTimeout(TIMEOUT)
              .capabilities(ClientCapabilities.builder().sampling().elicitation().build())
              .progressConsumer(progress::add)
              .elicitation(
                  r -> {
                    elicited.add(r);
                    return new ElicitResult(
                        ElicitResult.Action.ACCEPT,
                        Map.of("username", "ada", "email", "ada@example.org"));
                  })
              .sampling(
                  r -> {
                    sampled.add(r);
                    return new CreateMessageResult(
                        Role.ASSISTANT,
                        new TextContent("forty-two"),
                        "it-model",
                        CreateMessageResult.StopReason.END_TURN);
                  })
              .build();
      assertThat(client.initialize().serverInfo().name()).isEqualTo("aegis-conformance-fixture");

      List<String> tools = client.listTools().tools().stream().map(Tool::name).toList();
      assertThat(tools).containsExactlyInAnyOrderElementsOf(allowed); // filtered to the manifest
      assertThat(client.listResources().resources())
          .extracting(Resource::uri)
          .contains("test://static-text", "test://static-binary");
      assertThat(client.listPrompts().prompts())
          .extracting(Prompt::name)
          .contains("test_simple_prompt", "test_prompt_with_arguments");

      assertThat(text(client.callTool(new CallToolRequest("test_simple_text", Map.of()))))
          .isEqualTo("This is a simple text response for testing.");

      CallToolResult denied = client.callTool(new CallToolRequest("test_error_handling", Map.of()));
      assertThat(denied.isError()).isTrue();
      assertThat(text(denied)).contains("PERMISSION_UNDECLARED");

      CallToolResult withProgress =
          client.callTool(
              CallToolRequest.builder()
                  .name("test_tool_with_progress")
                  .arguments(Map.of())
                  .progressToken("p1")
                  .build());
      assertThat(text(withProgress)).contains("progress");
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (progress.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20); // the SDK hands notifications over asynchronously
      }
      assertThat(progress).extracting(ProgressNotification::progress).contains(0.0, 50.0, 100.0);

      CallToolResult elicitation =
          client.callTool(
              new CallToolRequest("test_elicitation", Map.of("message", "who are you?")));
      assertThat(elicited).extracting(ElicitRequest::message).containsExactly("who are you?");
      assertThat(text(elicitation)).contains("action=accept").contains("ada@example.org");

      CallToolResult sampling =
          client.callTool(new CallToolRequest("test_sampling", Map.of("prompt", "6 x 7?")));
      assertThat(sampled).hasSize(1);
      assertThat(text(sampling)).isEqualTo("LLM response: forty-two");
      client.closeGracefully();

      gw.proxy().process.destroy(); // SIGTERM: every session's termination is sealed
      assertThat(gw.proxy().waitFor(60)).as(gw.proxy().stderr()).isEqualTo(0);
      assertThat(gw.proxy().stderr()).doesNotContain("Exception").doesNotContain("LEAK");
    }

    String url = "sqlite:" + dir.resolve("chain.db");
    String session = busiestSession(url);
    List<Chains.Event> events = Chains.read(url, "default", session);
    List<String> toClient =
        Chains.frames(events, "server_to_client").stream().map(e -> e.field("method")).toList();
    assertThat(toClient).contains("elicitation/create", "sampling/createMessage");
    assertThat(events)
        .extracting(Chains.Event::type)
        .contains("TOOL_CALL_DENIED", "TOOL_RESULT", "TERMINATION");
    assertThat(Chains.verify(url, "default", session).valid()).isTrue();
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  private static String busiestSession(String url) {
    try (ChainStore s = ChainStores.open(url, Durability.NORMAL)) {
      return s.sessions("default").stream()
          .max(Comparator.comparingLong(SessionSummary::events))
          .orElseThrow()
          .sessionId();
    }
  }
}
