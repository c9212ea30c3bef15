package dev.aegis.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Filters a {@code tools/list} result down to the tools the guard lets the client see: the one
 * place the proxy rewrites a server's frame. Both versions are sealed (the server's as received,
 * the client's as a proxy frame); when nothing is removed the original bytes are forwarded.
 */
final class ToolLists {
  private ToolLists() {}

  /**
   * The rewritten frame for {@code result} (the parsed result of {@code response}), or null when
   * every tool stays or the result is not a tool list.
   */
  static byte[] filter(Frame response, JsonNode result, Predicate<String> lists) {
    JsonNode tools = result.path("tools");
    if (!tools.isArray()) {
      return null;
    }
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (JsonNode t : tools) {
      if (lists.test(t.path("name").asText(""))) {
        kept.add(t);
      }
    }
    if (kept.size() == tools.size()) {
      return null;
    }
    ObjectNode rewritten = ((ObjectNode) result).deepCopy();
    rewritten.set("tools", kept);
    String frame =
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + response.id().toJson()
            + ",\"result\":"
            + Json.write(rewritten)
            + "}";
    return frame.getBytes(StandardCharsets.UTF_8);
  }
}
