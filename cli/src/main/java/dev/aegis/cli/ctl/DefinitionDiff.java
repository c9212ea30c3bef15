package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * How one tool definition differs from another, for people: text fields ({@code description},
 * {@code title}, …) as removed and added lines, JSON fields ({@code inputSchema}, {@code
 * annotations}, …) as the values added ({@code +}), removed ({@code -}) and changed ({@code ~}) at
 * each JSON Pointer. Stateless.
 */
final class DefinitionDiff {
  private static final List<String> FIRST =
      List.of("name", "title", "description", "inputSchema", "outputSchema", "annotations");

  private DefinitionDiff() {}

  /**
   * The lines saying how {@code after} differs from {@code before}, field by field, ending with the
   * fields that are the same in both.
   */
  static List<String> lines(JsonNode before, JsonNode after) {
    List<String> out = new ArrayList<>();
    List<String> same = new ArrayList<>();
    for (String field : fields(before, after)) {
      JsonNode a = before.path(field);
      JsonNode b = after.path(field);
      if (a.equals(b)) {
        same.add(field);
        continue;
      }
      out.add(field + ":");
      if (isText(a) && isText(b)) {
        text(a, "-", out);
        text(b, "+", out);
      } else {
        json(a, b, "", out);
      }
    }
    if (!same.isEmpty()) {
      out.add("unchanged: " + String.join(", ", same));
    }
    return out;
  }

  /** The well-known fields first, then any other of either definition, sorted. */
  private static List<String> fields(JsonNode before, JsonNode after) {
    TreeSet<String> others = new TreeSet<>();
    before.fieldNames().forEachRemaining(others::add);
    after.fieldNames().forEachRemaining(others::add);
    List<String> out = new ArrayList<>();
    for (String f : FIRST) {
      if (others.remove(f)) {
        out.add(f);
      }
    }
    out.addAll(others);
    return out;
  }

  private static boolean isText(JsonNode n) {
    return n.isTextual() || n.isMissingNode();
  }

  private static void text(JsonNode n, String mark, List<String> out) {
    if (n.isMissingNode()) {
      out.add("  " + mark + " (absent)");
      return;
    }
    for (String line : n.asText().split("\n", -1)) {
      out.add("  " + mark + " " + line);
    }
  }

  private static void json(JsonNode a, JsonNode b, String path, List<String> out) {
    if (a.equals(b)) {
      return;
    }
    if (a.isObject() && b.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        json(a.path(k), b.path(k), path + "/" + k.replace("~", "~0").replace("/", "~1"), out);
      }
      return;
    }
    if (a.isArray() && b.isArray() && a.size() == b.size()) {
      Iterator<JsonNode> ia = a.elements();
      Iterator<JsonNode> ib = b.elements();
      for (int i = 0; ia.hasNext(); i++) {
        json(ia.next(), ib.next(), path + "/" + i, out);
      }
      return;
    }
    String at = path.isEmpty() ? "(whole value)" : path;
    if (a.isMissingNode()) {
      out.add("  + " + at + ": " + Json.write(b));
    } else if (b.isMissingNode()) {
      out.add("  - " + at + ": " + Json.write(a));
    } else {
      out.add("  ~ " + at + ": " + Json.write(a) + " -> " + Json.write(b));
    }
  }
}
