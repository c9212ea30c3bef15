package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The MCP Java SDK client over Streamable HTTP against server-everything behind the proxy (HTTP or
 * bridged): initialize, tools/list filtered by the manifest, an allowed call, a denied call with a
 * readable result, progress over SSE; then a graceful close (DELETE).
 */
final class SdkHttpScenario {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private SdkHttpScenario() {}

  static void run(String baseUrl) throws Exception {
    Queue<ProgressNotification> progress = new ConcurrentLinkedQueue<>();
    McpSyncClient client =
        McpClient.sync(HttpClientStreamableHttpTransport.builder(baseUrl).endpoint("/mcp").build())
            .requestTimeout(TIMEOUT)
            .initializationTimeout(TIMEOUT)
            .progressConsumer(progress::add)
            .build();
    assertThat(client.initialize().serverInfo().name()).isEqualTo("mcp-servers/everything");

    List<String> listed = client.listTools().tools().stream().map(Tool::name).toList();
    Set<String> declared = HttpPeers.declaredTools("server-everything.json");
    assertThat(listed).isNotEmpty().allMatch(declared::contains).contains("echo", "get-sum");
    assertThat(listed).doesNotContain("get-env");

    allowedDeniedAndProgress(client, progress, "over http");
    client.closeGracefully();
  }

  /**
   * Through any transport to server-everything behind the proxy: {@code echo} answered, {@code
   * get-env} refused as undeclared, a long-running call's three progress notifications delivered.
   */
  static void allowedDeniedAndProgress(
      McpSyncClient client, Queue<ProgressNotification> progress, String message)
      throws InterruptedException {
    CallToolResult echo = client.callTool(new CallToolRequest("echo", Map.of("message", message)));
    assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
    assertThat(text(echo)).isEqualTo("Echo: " + message);

    CallToolResult denied = client.callTool(new CallToolRequest("get-env", Map.of()));
    assertThat(denied.isError()).isTrue();
    assertThat(text(denied)).contains("PERMISSION_UNDECLARED");

    CallToolResult longRun =
        client.callTool(
            CallToolRequest.builder()
                .name("trigger-long-running-operation")
                .arguments(Map.of("duration", 0.5, "steps", 3))
                .progressToken("lro")
                .build());
    assertThat(text(longRun)).contains("Long running operation completed");
    // the SDK hands notifications to the consumer asynchronously: wait (bounded) for the last
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (progress.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(progress).extracting(ProgressNotification::progress).contains(1.0, 2.0, 3.0);
  }

  static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }
}
