package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.guard.manifest.ManifestSchema.Key;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes manifest JSON the way {@code aegisctl manifest sign} does: keys in the documented order
 * (unknown keys last, in their order), {@code integrity.files} sorted by path, two-space indent,
 * one value per line, a final newline. Formatting never changes a signature, which covers the RFC
 * 8785 bytes. Stateless and thread-safe.
 */
public final class ManifestWriter {
  private ManifestWriter() {}

  /** The manifest JSON in stable order, pretty-printed, UTF-8. */
  public static byte[] write(JsonNode manifestJson) {
    StringBuilder out = new StringBuilder();
    pretty(ordered(manifestJson, "$"), "", out);
    out.append('\n');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A copy of the manifest JSON with keys in the documented order. */
  public static ObjectNode ordered(ObjectNode manifestJson) {
    return (ObjectNode) ordered((JsonNode) manifestJson, "$");
  }

  private static JsonNode ordered(JsonNode node, String path) {
    if (!node.isObject()) {
      return node.deepCopy();
    }
    ObjectNode o = Json.object();
    if (path.equals(ManifestIntegrity.FILES)) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(ManifestIntegrity.PATH_ORDER);
      names.forEach(n -> o.set(n, node.get(n).deepCopy()));
      return o;
    }
    List<Key> keys;
    try {
      keys = ManifestSchema.keys(path);
    } catch (IllegalArgumentException unknownObject) {
      return node.deepCopy();
    }
    for (Key k : keys) {
      if (node.has(k.name())) {
        o.set(k.name(), ordered(node.get(k.name()), Problems.key(path, k.name())));
      }
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!o.has(e.getKey())) {
        o.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return o;
  }

  private static void pretty(JsonNode n, String indent, StringBuilder out) {
    String inner = indent + "  ";
    if (n.isObject() && n.size() > 0) {
      out.append("{\n");
      String separator = "";
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        out.append(separator).append(inner).append(Problems.quote(e.getKey())).append(": ");
        pretty(e.getValue(), inner, out);
        separator = ",\n";
      }
      out.append('\n');
      out.append(indent).append('}');
    } else if (n.isArray() && n.size() > 0) {
      out.append("[\n");
      for (int i = 0; i < n.size(); i++) {
        out.append(inner);
        pretty(n.get(i), inner, out);
        out.append(i + 1 < n.size() ? ",\n" : "\n");
      }
      out.append(indent).append(']');
    } else {
      out.append(Json.write(n));
    }
  }
}
