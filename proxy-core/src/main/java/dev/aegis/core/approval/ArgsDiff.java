package dev.aegis.core.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.util.TreeSet;

/**
 * The difference between a call's original and edited arguments, top-level keys in sorted order:
 * {@code [{key, op: add|remove|change, before?, after?}]}. Sealed with an approval so the chain
 * says exactly what the operator changed. Stateless.
 */
public final class ArgsDiff {
  private ArgsDiff() {}

  /** The diff; empty when the two are equal. Non-object values count as empty objects. */
  public static ArrayNode of(JsonNode before, JsonNode after) {
    JsonNode b = before != null && before.isObject() ? before : Json.object();
    JsonNode a = after != null && after.isObject() ? after : Json.object();
    TreeSet<String> keys = new TreeSet<>();
    b.fieldNames().forEachRemaining(keys::add);
    a.fieldNames().forEachRemaining(keys::add);
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (String k : keys) {
      JsonNode x = b.get(k);
      JsonNode y = a.get(k);
      if (x != null && y != null && x.equals(y)) {
        continue;
      }
      ObjectNode d = out.addObject();
      d.put("key", k);
      d.put("op", x == null ? "add" : y == null ? "remove" : "change");
      if (x != null) {
        d.set("before", x);
      }
      if (y != null) {
        d.set("after", y);
      }
    }
    return out;
  }
}
