package dev.aegis.testsupport;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MCP Java SDK Streamable HTTP client as the client under test of the conformance suite's
 * client mode: the suite appends its server's URL to the command line and names the scenario in
 * {@code MCP_CONFORMANCE_SCENARIO}; the client does what the scenario expects of a client.
 *
 * <p>Single-threaded use; {@link #run} throws on any protocol failure, and {@link #main} turns that
 * into exit code 1 (the suite records a non-zero exit as a failure).
 */
public final class ConformanceClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private ConformanceClient() {}

  /** Runs the scenario named by {@code MCP_CONFORMANCE_SCENARIO} against {@code args[last]}. */
  public static void main(String[] args) {
    try {
      run(args[args.length - 1], System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", ""));
    } catch (RuntimeException e) {
      System.err.println("ConformanceClient: " + e);
      System.exit(1);
    }
  }

  /**
   * Connects to {@code url}, initializes, lists the tools and, for the scenarios that ask for it,
   * calls the scenario's tool; closes the session (DELETE) at the end.
   */
  public static void run(String url, String scenario) {
    URI uri = URI.create(url);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String base = uri.getScheme() + "://" + uri.getRawAuthority();
    McpSyncClient client =
        McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint(path).build())
            .requestTimeout(TIMEOUT)
            .initializationTimeout(TIMEOUT)
            .capabilities(ClientCapabilities.builder().elicitation().build())
            .elicitation(ConformanceClient::acceptDefaults)
            .build();
    try {
      client.initialize();
      var tools =
          client.getServerCapabilities().tools() == null
              ? java.util.List.<String>of()
              : client.listTools().tools().stream().map(Tool::name).toList();
      switch (scenario) {
        case "tools_call" ->
            require(client.callTool(new CallToolRequest("add_numbers", Map.of("a", 5, "b", 3))));
        case "elicitation-sep1034-client-defaults" ->
            require(
                client.callTool(new CallToolRequest("test_client_elicitation_defaults", Map.of())));
        case "sse-retry" ->
            require(client.callTool(new CallToolRequest("test_reconnection", Map.of())));
        default -> {
          // initialize: the handshake and a list are the whole scenario
        }
      }
      System.err.println("ConformanceClient: " + scenario + " done; tools " + tools);
    } finally {
      client.closeGracefully();
    }
  }

  /** Accepts an elicitation with every default its schema declares (SEP-1034). */
  @SuppressWarnings("unchecked")
  private static ElicitResult acceptDefaults(ElicitRequest request) {
    Map<String, Object> content = new LinkedHashMap<>();
    Object properties = request.requestedSchema().get("properties");
    if (properties instanceof Map<?, ?> props) {
      ((Map<String, Object>) props)
          .forEach(
              (name, schema) -> {
                if (schema instanceof Map<?, ?> s && s.containsKey("default")) {
                  content.put(name, s.get("default"));
                }
              });
    }
    return new ElicitResult(ElicitResult.Action.ACCEPT, content);
  }

  private static void require(CallToolResult result) {
    if (Boolean.TRUE.equals(result.isError())) {
      throw new IllegalStateException("the tool call failed: " + result.content());
    }
  }
}
