package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aegis.core.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${NAME}} placeholders of an MCP pack, substituted per case in the server command,
 * proxy options, manifest, files, frames and wants, so that a pack names no machine's paths. An
 * unknown name throws {@link IllegalArgumentException} (a pack must not run with a literal {@code
 * ${...}} in a path). Immutable, thread-safe.
 */
final class Placeholders {
  private static final Pattern NAME = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");

  private final Map<String, String> values;

  /** Placeholders with these values (name without {@code ${}}). */
  Placeholders(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** A copy with one more value. */
  Placeholders with(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(values);
    more.put(name, value);
    return new Placeholders(more);
  }

  /** The text with every placeholder replaced. */
  String apply(String text) {
    Matcher m = NAME.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException(
            "unknown placeholder ${" + m.group(1) + "} (known: " + values.keySet() + ")");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A deep copy of {@code node} with every string value (not key) substituted. */
  JsonNode apply(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(apply(node.asText()));
    }
    if (node.isObject()) {
      ObjectNode o = Json.object();
      node.properties().forEach(e -> o.set(e.getKey(), apply(e.getValue())));
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = Json.MAPPER.createArrayNode();
      node.forEach(v -> a.add(apply(v)));
      return a;
    }
    return node.deepCopy();
  }
}
