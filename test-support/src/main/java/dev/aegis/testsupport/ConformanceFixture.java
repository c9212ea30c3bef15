package dev.aegis.testsupport;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.SamplingMessage;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The tools of the conformance fixture server: the {@code test_*} tools that the conformance
 * suite's server scenarios call, with the results those scenarios check. Resources, prompts and
 * completions are in {@link ConformanceContent}.
 *
 * <p>Handlers run on the SDK's worker threads and keep no state; a handler that asks the client
 * (sampling, elicitation) blocks its thread until the answer or the server's request timeout.
 */
public final class ConformanceFixture {
  /** The tool names the fixture serves, for manifests that allow all of them. */
  public static final List<String> TOOLS =
      List.of(
          "test_simple_text",
          "test_image_content",
          "test_audio_content",
          "test_embedded_resource",
          "test_multiple_content_types",
          "test_tool_with_logging",
          "test_tool_with_progress",
          "test_error_handling",
          "test_sampling",
          "test_elicitation",
          "test_elicitation_sep1034_defaults",
          "test_elicitation_sep1330_enums",
          "json_schema_2020_12_tool",
          "test_reconnection");

  private static final String NO_ARGS = "{\"type\":\"object\",\"properties\":{}}";

  private ConformanceFixture() {}

  /** Adds the fixture's capabilities, tools, resources, prompts and completions to a spec. */
  public static McpServer.StreamableSyncSpecification install(
      McpServer.StreamableSyncSpecification spec) {
    spec.capabilities(
        ServerCapabilities.builder()
            .tools(true)
            .resources(true, true)
            .prompts(true)
            .logging()
            .completions()
            .build());
    spec.tools(
        tool(
            "test_simple_text",
            NO_ARGS,
            (x, r) -> text("This is a simple text response for testing.")),
        tool("test_image_content", NO_ARGS, (x, r) -> result(image())),
        tool(
            "test_audio_content",
            NO_ARGS,
            (x, r) -> result(new AudioContent(null, ConformanceContent.WAV_BASE64, "audio/wav"))),
        tool(
            "test_embedded_resource",
            NO_ARGS,
            (x, r) ->
                result(
                    resource(
                        "test://embedded-resource",
                        "text/plain",
                        "This is an embedded resource content."))),
        tool(
            "test_multiple_content_types",
            NO_ARGS,
            (x, r) ->
                CallToolResult.builder()
                    .addTextContent("Multiple content types test:")
                    .addContent(image())
                    .addContent(
                        resource(
                            "test://mixed-content-resource",
                            "application/json",
                            "{\"test\":\"data\",\"value\":123}"))
                    .build()),
        tool("test_tool_with_logging", NO_ARGS, ConformanceFixture::logging),
        tool("test_tool_with_progress", NO_ARGS, ConformanceFixture::progress),
        tool(
            "test_error_handling",
            NO_ARGS,
            (x, r) ->
                CallToolResult.builder()
                    .isError(true)
                    .addTextContent("This tool intentionally returns an error for testing")
                    .build()),
        tool("test_sampling", stringArg("prompt"), ConformanceFixture::sampling),
        tool("test_elicitation", stringArg("message"), ConformanceFixture::elicitation),
        tool(
            "test_elicitation_sep1034_defaults",
            NO_ARGS,
            (x, r) -> elicitWith(x, ConformanceContent.defaultsSchema())),
        tool(
            "test_elicitation_sep1330_enums",
            NO_ARGS,
            (x, r) -> elicitWith(x, ConformanceContent.enumsSchema())),
        tool("json_schema_2020_12_tool", ConformanceContent.SCHEMA_2020_12, (x, r) -> text("ok")),
        // the SDK cannot close a POST's event stream mid-call: the answer comes on the stream
        tool("test_reconnection", NO_ARGS, (x, r) -> text("Reconnection test completed")));
    ConformanceContent.install(spec);
    return spec;
  }

  private static SyncToolSpecification tool(
      String name,
      String inputSchema,
      BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
    return SyncToolSpecification.builder()
        .tool(
            Tool.builder()
                .name(name)
                .description("Conformance fixture tool " + name)
                .inputSchema(McpJsonDefaults.getMapper(), inputSchema)
                .build())
        .callHandler(handler)
        .build();
  }

  private static String stringArg(String name) {
    return "{\"type\":\"object\",\"properties\":{\""
        + name
        + "\":{\"type\":\"string\"}},\"required\":[\""
        + name
        + "\"]}";
  }

  private static CallToolResult logging(McpSyncServerExchange x, CallToolRequest r) {
    String[] messages = {
      "Tool execution started", "Tool processing data", "Tool execution completed"
    };
    for (int i = 0; i < messages.length; i++) {
      if (i > 0) {
        pause();
      }
      x.loggingNotification(
          LoggingMessageNotification.builder()
              .level(LoggingLevel.INFO)
              .logger("conformance-fixture")
              .data(messages[i])
              .build());
    }
    return text("Tool with logging executed successfully");
  }

  private static CallToolResult progress(McpSyncServerExchange x, CallToolRequest r) {
    Object token = r.meta() == null ? null : r.meta().get("progressToken");
    for (int step = 0; step <= 100; step += 50) {
      if (step > 0) {
        pause();
      }
      if (token != null) {
        x.progressNotification(
            new ProgressNotification(token, (double) step, 100.0, "step " + step));
      }
    }
    return text("Tool with progress executed successfully");
  }

  private static CallToolResult sampling(McpSyncServerExchange x, CallToolRequest r) {
    if (x.getClientCapabilities() == null || x.getClientCapabilities().sampling() == null) {
      return error("the client does not support sampling");
    }
    CreateMessageResult answer =
        x.createMessage(
            CreateMessageRequest.builder()
                .messages(
                    List.of(
                        new SamplingMessage(
                            Role.USER,
                            new TextContent(String.valueOf(r.arguments().get("prompt"))))))
                .maxTokens(100)
                .build());
    String said =
        answer.content() instanceof TextContent t ? t.text() : String.valueOf(answer.content());
    return text("LLM response: " + said);
  }

  private static CallToolResult elicitation(McpSyncServerExchange x, CallToolRequest r) {
    if (x.getClientCapabilities() == null || x.getClientCapabilities().elicitation() == null) {
      return error("the client does not support elicitation");
    }
    return elicit(
        x,
        String.valueOf(r.arguments().get("message")),
        ConformanceContent.userSchema(),
        "User response: ");
  }

  private static CallToolResult elicitWith(
      McpSyncServerExchange x, Map<String, Object> requestedSchema) {
    return elicit(
        x, "Please review and update the form fields", requestedSchema, "Elicitation completed: ");
  }

  private static CallToolResult elicit(
      McpSyncServerExchange x, String message, Map<String, Object> schema, String prefix) {
    ElicitResult answer =
        x.createElicitation(
            ElicitRequest.builder().message(message).requestedSchema(schema).build());
    return text(
        prefix
            + "action="
            + answer.action().name().toLowerCase(java.util.Locale.ROOT)
            + ", content="
            + answer.content());
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ImageContent image() {
    return new ImageContent(null, ConformanceContent.PNG_BASE64, "image/png");
  }

  private static EmbeddedResource resource(String uri, String mimeType, String text) {
    return new EmbeddedResource(null, new TextResourceContents(uri, mimeType, text));
  }

  private static CallToolResult text(String text) {
    return CallToolResult.builder().addTextContent(text).build();
  }

  private static CallToolResult error(String text) {
    return CallToolResult.builder().isError(true).addTextContent(text).build();
  }

  private static CallToolResult result(io.modelcontextprotocol.spec.McpSchema.Content content) {
    return CallToolResult.builder().addContent(content).build();
  }
}
