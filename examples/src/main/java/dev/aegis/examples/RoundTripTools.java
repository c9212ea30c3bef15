package dev.aegis.examples;

import static dev.aegis.examples.ExampleTools.objectSchema;
import static dev.aegis.examples.ExampleTools.spec;
import static dev.aegis.examples.ExampleTools.text;
import static dev.aegis.examples.ExampleTools.tool;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.SamplingMessage;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tools that answer by sending a request back to the client (elicitation and sampling). */
final class RoundTripTools {

  private RoundTripTools() {}

  static SyncToolSpecification confirmAction() {
    return spec(
        tool(
                "confirm_action",
                "Asks the user to confirm an action and returns the answer.",
                objectSchema("{\"action\":{\"type\":\"string\"}}"))
            .build(),
        (exchange, request) -> {
          String action = String.valueOf(request.arguments().get("action"));
          ElicitResult answer =
              exchange.createElicitation(
                  ElicitRequest.builder()
                      .message("Confirm action: " + action)
                      .requestedSchema(confirmSchema())
                      .build());
          return text(action + " -> " + json(answer));
        });
  }

  static SyncToolSpecification askModel() {
    return spec(
        tool(
                "ask_model",
                "Asks the client's model a question and returns its text.",
                objectSchema("{\"question\":{\"type\":\"string\"}}"))
            .build(),
        (exchange, request) -> {
          String question = String.valueOf(request.arguments().get("question"));
          CreateMessageResult answer =
              exchange.createMessage(
                  CreateMessageRequest.builder()
                      .messages(List.of(new SamplingMessage(Role.USER, new TextContent(question))))
                      .systemPrompt("Answer briefly.")
                      .maxTokens(64)
                      .build());
          return text(answer.model() + " says: " + textOf(answer.content()));
        });
  }

  private static Map<String, Object> confirmSchema() {
    // Ordered maps: Map.of iterates in a per-JVM order, which would vary the request bytes.
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", Map.of("confirm", Map.of("type", "boolean")));
    schema.put("required", List.of("confirm"));
    return schema;
  }

  private static String textOf(Content content) {
    return content instanceof TextContent t ? t.text() : json(content);
  }

  private static String json(Object value) {
    try {
      return McpJsonDefaults.getMapper().writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
