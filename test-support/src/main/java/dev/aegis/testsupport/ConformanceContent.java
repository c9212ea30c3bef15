package dev.aegis.testsupport;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult.CompleteCompletion;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Resources, prompts, completions, media and elicitation schemas of the conformance fixture server
 * (see {@link ConformanceFixture}); stateless, so safe from any thread.
 */
public final class ConformanceContent {
  /** A 1x1 red pixel PNG. */
  public static final String PNG_BASE64 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

  /** Eight samples of 8 kHz mono 8-bit silence as a WAV file. */
  public static final String WAV_BASE64 =
      "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

  /** An input schema with JSON Schema 2020-12 keywords ($schema, $defs, additionalProperties). */
  static final String SCHEMA_2020_12 =
      """
      {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
       "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},
       "city":{"type":"string"}}}},
       "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},
       "additionalProperties":false}""";

  private static final String STATIC_TEXT = "test://static-text";
  private static final String STATIC_BINARY = "test://static-binary";
  private static final String WATCHED = "test://watched-resource";
  private static final String TEMPLATE = "test://template/{id}/data";

  private ConformanceContent() {}

  static void install(McpServer.StreamableSyncSpecification spec) {
    spec.resources(
        new SyncResourceSpecification(
            resource(STATIC_TEXT, "text/plain"),
            (x, r) ->
                read(
                    new TextResourceContents(
                        STATIC_TEXT,
                        "text/plain",
                        "This is the content of the static text resource."))),
        new SyncResourceSpecification(
            resource(STATIC_BINARY, "image/png"),
            (x, r) -> read(new BlobResourceContents(STATIC_BINARY, "image/png", PNG_BASE64))),
        new SyncResourceSpecification(
            resource(WATCHED, "text/plain"),
            (x, r) -> read(new TextResourceContents(WATCHED, "text/plain", "Watched content."))));
    spec.resourceTemplates(
        new SyncResourceTemplateSpecification(
            ResourceTemplate.builder()
                .uriTemplate(TEMPLATE)
                .name("template-data")
                .description("Data for an id")
                .mimeType("application/json")
                .build(),
            (x, r) -> {
              String id = r.uri().substring("test://template/".length()).split("/")[0];
              return read(
                  new TextResourceContents(
                      r.uri(),
                      "application/json",
                      "{\"id\":\""
                          + id
                          + "\",\"templateTest\":true,\"data\":\"Data for ID: "
                          + id
                          + "\"}"));
            }));
    spec.prompts(
        prompt(
            "test_simple_prompt",
            List.of(),
            (x, r) -> messages(user(new TextContent("This is a simple prompt for testing.")))),
        prompt(
            "test_prompt_with_arguments",
            List.of(
                new PromptArgument("arg1", "First test argument", true),
                new PromptArgument("arg2", "Second test argument", true)),
            (x, r) ->
                messages(
                    user(
                        new TextContent(
                            "Prompt with arguments: arg1='"
                                + r.arguments().get("arg1")
                                + "', arg2='"
                                + r.arguments().get("arg2")
                                + "'")))),
        prompt(
            "test_prompt_with_embedded_resource",
            List.of(new PromptArgument("resourceUri", "URI of the resource to embed", true)),
            (x, r) ->
                messages(
                    user(
                        new EmbeddedResource(
                            null,
                            new TextResourceContents(
                                String.valueOf(r.arguments().get("resourceUri")),
                                "text/plain",
                                "Embedded resource content for testing."))),
                    user(new TextContent("Please process the embedded resource above.")))),
        prompt(
            "test_prompt_with_image",
            List.of(),
            (x, r) ->
                messages(
                    user(new ImageContent(null, PNG_BASE64, "image/png")),
                    user(new TextContent("Please analyze the image above.")))));
    spec.completions(
        new SyncCompletionSpecification(
            new PromptReference("test_prompt_with_arguments"),
            (x, r) -> {
              List<String> values =
                  List.of("paris", "park", "party").stream()
                      .filter(v -> v.startsWith(r.argument().value()))
                      .toList();
              return new CompleteResult(new CompleteCompletion(values, values.size(), false));
            }));
  }

  /** The schema {@code test_elicitation} asks for: a username and an email, both required. */
  static Map<String, Object> userSchema() {
    return json(
        """
        {"type":"object","properties":{
         "username":{"type":"string","description":"User's response"},
         "email":{"type":"string","description":"User's email address"}},
         "required":["username","email"]}""");
  }

  /** A schema with a default for every primitive type (SEP-1034). */
  static Map<String, Object> defaultsSchema() {
    return json(
        """
        {"type":"object","properties":{
         "name":{"type":"string","default":"John Doe"},
         "age":{"type":"integer","default":30},
         "score":{"type":"number","default":95.5},
         "status":{"type":"string","enum":["active","inactive","pending"],"default":"active"},
         "verified":{"type":"boolean","default":true}}}""");
  }

  /** A schema with the five enum shapes of SEP-1330. */
  static Map<String, Object> enumsSchema() {
    return json(
        """
        {"type":"object","properties":{
         "untitledSingle":{"type":"string","enum":["option1","option2","option3"]},
         "titledSingle":{"type":"string","oneOf":[{"const":"value1","title":"First Option"},
           {"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},
         "legacyEnum":{"type":"string","enum":["opt1","opt2","opt3"],
           "enumNames":["Option One","Option Two","Option Three"]},
         "untitledMulti":{"type":"array","items":{"type":"string",
           "enum":["option1","option2","option3"]}},
         "titledMulti":{"type":"array","items":{"anyOf":[{"const":"value1","title":"First Choice"},
           {"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}}}
        """);
  }

  private static Map<String, Object> json(String text) {
    try {
      return McpJsonDefaults.getMapper().readValue(text, new TypeRef<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Resource resource(String uri, String mimeType) {
    return Resource.builder()
        .uri(uri)
        .name(uri.substring("test://".length()))
        .description("Conformance fixture resource " + uri)
        .mimeType(mimeType)
        .build();
  }

  private static ReadResourceResult read(
      io.modelcontextprotocol.spec.McpSchema.ResourceContents contents) {
    return new ReadResourceResult(List.of(contents));
  }

  private static SyncPromptSpecification prompt(
      String name,
      List<PromptArgument> arguments,
      java.util.function.BiFunction<
              io.modelcontextprotocol.server.McpSyncServerExchange,
              io.modelcontextprotocol.spec.McpSchema.GetPromptRequest,
              GetPromptResult>
          handler) {
    return new SyncPromptSpecification(
        new Prompt(name, "Conformance fixture prompt " + name, arguments), handler);
  }

  private static PromptMessage user(io.modelcontextprotocol.spec.McpSchema.Content content) {
    return new PromptMessage(Role.USER, content);
  }

  private static GetPromptResult messages(PromptMessage... messages) {
    return new GetPromptResult(null, List.of(messages));
  }
}
