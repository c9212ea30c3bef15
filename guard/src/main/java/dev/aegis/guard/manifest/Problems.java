package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects manifest problems as {@code manifest: <field>: <message> (expected: ...)} lines, and
 * remembers fields whose type was wrong so later rules skip them instead of reporting twice.
 */
final class Problems {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<String> lines = new ArrayList<>();
  private final Set<String> broken = new HashSet<>();

  /** Adds a problem; {@code expected} may be null. */
  void add(String field, String message, String expected) {
    lines.add(line(field, message, expected));
  }

  /** One problem line: {@code manifest: <field>: <message> (expected: <expected>)}. */
  static String line(String field, String message, String expected) {
    return "manifest: "
        + field
        + ": "
        + message
        + (expected == null ? "" : " (expected: " + expected + ")");
  }

  /** Adds a problem and marks the field (and everything below it) as unusable. */
  void addBroken(String field, String message, String expected) {
    add(field, message, expected);
    broken.add(field);
  }

  /** True if the field or one of its parents was marked unusable. */
  boolean isBroken(String field) {
    for (String b : broken) {
      if (field.equals(b)
          || field.startsWith(b + ".")
          || field.startsWith(b + "[")
          || b.equals("$")) {
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return lines.isEmpty();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Throws the collected problems, if any. */
  void throwIfAny() throws ManifestException {
    if (!lines.isEmpty()) {
      throw new ManifestException(lines);
    }
  }

  /** The path of a member: {@code parent.key}, or {@code parent["odd key"]}; root is "$". */
  static String key(String parent, String key) {
    boolean root = parent.isEmpty() || parent.equals("$");
    if (IDENTIFIER.matcher(key).matches()) {
      return root ? key : parent + "." + key;
    }
    return (root ? "$" : parent) + "[" + quote(key) + "]";
  }

  /** The path of an array element: {@code parent[i]}. */
  static String index(String parent, int i) {
    return parent + "[" + i + "]";
  }

  /** The text as a JSON string literal, for messages. */
  static String quote(String s) {
    return TextNode.valueOf(s).toString();
  }
}
