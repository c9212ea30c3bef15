package dev.aegis.examples;

import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.util.List;

/** The example server's one resource and one prompt. */
final class ExampleContent {

  static final String NOTE_URI = "note://aegis/welcome";

  private ExampleContent() {}

  static SyncResourceSpecification note() {
    Resource resource =
        Resource.builder()
            .uri(NOTE_URI)
            .name("welcome")
            .description("The fixed welcome note.")
            .mimeType("text/plain")
            .build();
    return new SyncResourceSpecification(
        resource,
        (exchange, request) ->
            new ReadResourceResult(
                List.of(new TextResourceContents(NOTE_URI, "text/plain", ExampleTools.NOTE))));
  }

  static SyncPromptSpecification summarizePrompt() {
    Prompt prompt =
        new Prompt(
            "summarize",
            "Asks for a summary of a topic.",
            List.of(new PromptArgument("topic", "What to summarise.", true)));
    return new SyncPromptSpecification(
        prompt,
        (exchange, request) ->
            new GetPromptResult(
                "Summary request",
                List.of(
                    new PromptMessage(
                        Role.USER,
                        new TextContent("Summarise " + request.arguments().get("topic") + ".")))));
  }
}
