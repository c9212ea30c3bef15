package dev.aegis.examples;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** The example server's local tools; every output is a pure function of the arguments. */
final class ExampleTools {

  static final String NOTE = "Aegis seals every MCP frame into a hash chain.";

  private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

  private ExampleTools() {}

  static List<SyncToolSpecification> all() {
    return List.of(
        echo(),
        add(),
        countSlowly(),
        RoundTripTools.confirmAction(),
        RoundTripTools.askModel(),
        readNote(),
        deleteNote(),
        redact());
  }

  static SyncToolSpecification echo() {
    return spec(
        tool("echo", "Returns its text argument.", objectSchema("{\"text\":{\"type\":\"string\"}}"))
            .build(),
        (exchange, request) -> text(String.valueOf(request.arguments().get("text"))));
  }

  static SyncToolSpecification add() {
    Tool tool =
        tool(
                "add",
                "Adds two numbers.",
                objectSchema("{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}"))
            .outputSchema(
                JSON,
                "{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"number\"}},"
                    + "\"required\":[\"sum\"]}")
            .build();
    return spec(
        tool,
        (exchange, request) -> {
          Number sum =
              sum((Number) request.arguments().get("a"), (Number) request.arguments().get("b"));
          return CallToolResult.builder()
              .addTextContent(String.valueOf(sum))
              .structuredContent(Map.of("sum", sum))
              .build();
        });
  }

  static SyncToolSpecification countSlowly() {
    return spec(
        tool(
                "count_slowly",
                "Counts to n, reporting progress for each step when asked to.",
                objectSchema("{\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}}"))
            .build(),
        ExampleTools::count);
  }

  static SyncToolSpecification readNote() {
    return spec(
        tool("read_note", "Reads the fixed note.", objectSchema("{}"))
            .annotations(new ToolAnnotations("Read note", true, false, true, false, null))
            .build(),
        (exchange, request) -> text(NOTE));
  }

  static SyncToolSpecification deleteNote() {
    return spec(
        tool("delete_note", "Deletes the note (simulated: nothing changes).", objectSchema("{}"))
            .annotations(new ToolAnnotations("Delete note", false, true, true, false, null))
            .build(),
        (exchange, request) -> text("note deleted (simulated)"));
  }

  /**
   * A sanitiser for taint demos: returns its text with links, e-mail addresses and digits masked (a
   * pure function; no claim to be a complete redactor).
   */
  static SyncToolSpecification redact() {
    return spec(
        tool(
                "redact",
                "Returns the text with links, e-mail addresses and digits masked.",
                objectSchema("{\"text\":{\"type\":\"string\"}}"))
            .annotations(new ToolAnnotations("Redact", true, false, true, false, null))
            .build(),
        (exchange, request) ->
            text(
                String.valueOf(request.arguments().get("text"))
                    .replaceAll("https?://\\S+", "[link]")
                    .replaceAll("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+", "[email]")
                    .replaceAll("[0-9]", "#")));
  }

  private static CallToolResult count(McpSyncServerExchange exchange, CallToolRequest request) {
    int n = ((Number) request.arguments().get("n")).intValue();
    Object token = request.progressToken();
    for (int i = 1; i <= n; i++) {
      pause();
      if (token != null) {
        exchange.progressNotification(
            new ProgressNotification(token, (double) i, (double) n, "counted " + i));
      }
    }
    return text("counted to " + n);
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting", e);
    }
  }

  private static Number sum(Number a, Number b) {
    boolean integral =
        (a instanceof Integer || a instanceof Long) && (b instanceof Integer || b instanceof Long);
    return integral
        ? (Number) (a.longValue() + b.longValue())
        : (Number) (a.doubleValue() + b.doubleValue());
  }

  static Tool.Builder tool(String name, String description, String inputSchema) {
    return Tool.builder().name(name).description(description).inputSchema(JSON, inputSchema);
  }

  static String objectSchema(String properties) {
    return "{\"type\":\"object\",\"properties\":" + properties + "}";
  }

  static CallToolResult text(String text) {
    return CallToolResult.builder().addTextContent(text).build();
  }

  static SyncToolSpecification spec(
      Tool tool, BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
    return SyncToolSpecification.builder().tool(tool).callHandler(handler).build();
  }
}
