package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.guard.manifest.ManifestSchema.Key;
import dev.aegis.guard.manifest.ManifestSchema.Type;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * First pass of the loader: every key must be in the schema (typos must not pass silently) and
 * every value must have its key's JSON type. Wrong values are marked broken for the later rules.
 */
final class ManifestShape {
  private ManifestShape() {}

  /** Checks the root and everything below it. */
  static void check(JsonNode root, Problems p) {
    if (!root.isObject()) {
      p.addBroken("$", describe(root), "a JSON object");
      return;
    }
    object(root, "$", p);
  }

  private static void object(JsonNode node, String path, Problems p) {
    List<Key> keys = ManifestSchema.keys(path);
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String field = Problems.key(path, e.getKey());
      Key key = ManifestSchema.find(path, e.getKey()).orElse(null);
      if (key == null) {
        p.addBroken(field, unknown(e.getKey(), keys), "one of " + names(keys));
      } else {
        value(e.getValue(), field, key.type(), p);
      }
    }
  }

  private static void value(JsonNode v, String field, Type type, Problems p) {
    switch (type) {
      case OBJECT:
        if (v.isObject()) {
          object(v, field, p);
        } else {
          p.addBroken(field, describe(v), type.expected);
        }
        break;
      case STRING:
        expect(v.isTextual(), v, field, type, p);
        break;
      case BOOLEAN:
        expect(v.isBoolean(), v, field, type, p);
        break;
      case INTEGER:
        expect(v.isIntegralNumber(), v, field, type, p);
        break;
      case STRINGS:
        if (!v.isArray()) {
          p.addBroken(field, describe(v), type.expected);
          break;
        }
        for (int i = 0; i < v.size(); i++) {
          expect(v.get(i).isTextual(), v.get(i), Problems.index(field, i), Type.STRING, p);
        }
        break;
      case STRING_MAP:
        if (!v.isObject()) {
          p.addBroken(field, describe(v), type.expected);
          break;
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
          expect(
              e.getValue().isTextual(),
              e.getValue(),
              field + "[" + Problems.quote(e.getKey()) + "]",
              Type.STRING,
              p);
        }
        break;
      default:
        throw new AssertionError(type);
    }
  }

  private static void expect(boolean ok, JsonNode v, String field, Type type, Problems p) {
    if (!ok) {
      p.addBroken(field, describe(v), type.expected);
    }
  }

  /** "is a string", "is null", ...: what a value is, for a wrong-type message. */
  static String describe(JsonNode v) {
    switch (v.getNodeType()) {
      case STRING:
        return "is a string";
      case NUMBER:
        return v.isIntegralNumber() ? "is an integer" : "is a decimal number";
      case BOOLEAN:
        return "is a boolean";
      case NULL:
        return "is null";
      case ARRAY:
        return "is an array";
      case OBJECT:
        return "is an object";
      default:
        return "is a " + v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
  }

  private static String unknown(String name, List<Key> keys) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Key k : keys) {
      int d =
          k.name().equalsIgnoreCase(name)
              ? 0
              : distance(name.toLowerCase(Locale.ROOT), k.name().toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k.name();
        bestDistance = d;
      }
    }
    boolean close = bestDistance <= Math.min(2, Math.max(1, name.length() / 3));
    return "unknown key" + (close ? "; did you mean " + Problems.quote(best) + "?" : "");
  }

  private static String names(List<Key> keys) {
    return keys.stream().map(Key::name).collect(Collectors.joining(", "));
  }

  /** Levenshtein distance, for "did you mean". */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
