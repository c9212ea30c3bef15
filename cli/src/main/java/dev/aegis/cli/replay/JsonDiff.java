package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * A semantic diff of two JSON values: object key order does not matter, numbers compare by value
 * ({@code 1}, {@code 1.0} and {@code 1e0} are equal), arrays compare element by element in order.
 * Each difference is reported at the deepest JSON pointer (RFC 6901) where the two sides stop
 * agreeing; a key or element present on one side only is a difference with {@code null} on the
 * other. Paths matching an ignore pattern ({@link JsonPointerPattern}) are skipped with everything
 * below them. Immutable and thread-safe.
 */
final class JsonDiff {
  /** One difference: at {@code pointer}, {@code left} (null: absent) versus {@code right}. */
  record Entry(String pointer, JsonNode left, JsonNode right) {}

  private final List<JsonPointerPattern> ignored;

  /** A differ skipping the given patterns. */
  JsonDiff(List<JsonPointerPattern> ignored) {
    this.ignored = List.copyOf(ignored);
  }

  /** Every difference between {@code left} and {@code right}, in document order. */
  List<Entry> compare(JsonNode left, JsonNode right) {
    List<Entry> out = new ArrayList<>();
    walk(new ArrayList<>(), left, right, out);
    return out;
  }

  private void walk(List<String> path, JsonNode a, JsonNode b, List<Entry> out) {
    if (skipped(path)) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        path.add(k);
        walk(path, a.get(k), b.get(k), out);
        path.remove(path.size() - 1);
      }
    } else if (a != null && b != null && a.isArray() && b.isArray()) {
      Iterator<JsonNode> x = a.elements();
      Iterator<JsonNode> y = b.elements();
      int i = 0;
      while (x.hasNext() || y.hasNext()) {
        path.add(Integer.toString(i++));
        walk(path, x.hasNext() ? x.next() : null, y.hasNext() ? y.next() : null, out);
        path.remove(path.size() - 1);
      }
    } else if (!same(a, b)) {
      out.add(new Entry(JsonPointerPattern.pointer(path), a, b));
    }
  }

  private boolean skipped(List<String> path) {
    for (JsonPointerPattern p : ignored) {
      if (p.covers(path)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether two leaves (or mismatched kinds) are equal; numbers by value, absent only to absent.
   */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}
