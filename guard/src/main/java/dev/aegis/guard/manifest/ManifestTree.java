package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read access to a manifest tree that passed {@link ManifestShape}, by dotted path, skipping
 * anything marked broken: rules see only values of the right type.
 */
final class ManifestTree {
  /** One element of a string array, with its path for messages. */
  record Item(String field, String value) {}

  private final JsonNode root;
  private final Problems problems;

  ManifestTree(JsonNode root, Problems problems) {
    this.root = root;
    this.problems = problems;
  }

  Problems problems() {
    return problems;
  }

  /** The node at a dotted path of schema keys, or null when absent or broken. */
  JsonNode get(String path) {
    if (problems.isBroken(path)) {
      return null;
    }
    JsonNode n = root;
    for (String k : path.split("\\.", -1)) {
      n = n.get(k);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /** True if the key is present (even with a wrong type). */
  boolean declared(String path) {
    JsonNode n = root;
    for (String k : path.split("\\.", -1)) {
      n = n.get(k);
      if (n == null) {
        return false;
      }
    }
    return true;
  }

  /** The string at a path, if present and a string. */
  Optional<String> text(String path) {
    JsonNode n = get(path);
    return n != null && n.isTextual() ? Optional.of(n.textValue()) : Optional.empty();
  }

  /** The string elements of an array at a path (broken elements skipped); empty when absent. */
  List<Item> strings(String path) {
    List<Item> items = new ArrayList<>();
    JsonNode n = get(path);
    if (n == null || !n.isArray()) {
      return items;
    }
    for (int i = 0; i < n.size(); i++) {
      String field = Problems.index(path, i);
      if (!problems.isBroken(field) && n.get(i).isTextual()) {
        items.add(new Item(field, n.get(i).textValue()));
      }
    }
    return items;
  }

  /** The string values of an array at a path; empty when absent. */
  List<String> values(String path) {
    return strings(path).stream().map(Item::value).toList();
  }
}
