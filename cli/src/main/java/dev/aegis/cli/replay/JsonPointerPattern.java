package dev.aegis.cli.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON pointer (RFC 6901) whose {@code *} tokens match any array index or object key, optionally
 * scoped to one tool: {@code /content/*}{@code /text} applies to every call's result, {@code
 * get-env:/content/0/text} only to the results of {@code get-env}. A pattern covers the path it
 * names and everything below it. Immutable.
 *
 * @param tool the tool it is scoped to, or null for every tool
 * @param tokens the unescaped reference tokens ({@code *} is a wildcard)
 */
record JsonPointerPattern(String tool, List<String> tokens) {
  /** Copies the tokens. */
  JsonPointerPattern {
    tokens = List.copyOf(tokens);
  }

  /**
   * Parses {@code [TOOL:]POINTER}; throws {@link IllegalArgumentException} (with the expected form)
   * when the pointer is neither empty nor starts with {@code /}.
   */
  static JsonPointerPattern parse(String text) {
    String tool = null;
    String pointer = text;
    if (!text.isEmpty() && !text.startsWith("/")) {
      int at = text.indexOf(":/");
      if (at <= 0) {
        throw new IllegalArgumentException(
            "--ignore: "
                + text
                + " (expected: a JSON pointer such as /content/*/text, or TOOL:/…)");
      }
      tool = text.substring(0, at);
      pointer = text.substring(at + 1);
    }
    List<String> tokens = new ArrayList<>();
    if (!pointer.isEmpty()) {
      for (String t : pointer.substring(1).split("/", -1)) {
        tokens.add(t.replace("~1", "/").replace("~0", "~"));
      }
    }
    return new JsonPointerPattern(tool, tokens);
  }

  /** True when this pattern applies to results of {@code toolName}. */
  boolean appliesTo(String toolName) {
    return tool == null || tool.equals(toolName);
  }

  /** True when {@code path} (unescaped tokens) is the named path or lies below it. */
  boolean covers(List<String> path) {
    if (path.size() < tokens.size()) {
      return false;
    }
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (!t.equals("*") && !t.equals(path.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The JSON pointer of unescaped tokens ({@code ""} for the whole document). */
  static String pointer(List<String> path) {
    StringBuilder b = new StringBuilder();
    for (String t : path) {
      b.append('/').append(t.replace("~", "~0").replace("/", "~1"));
    }
    return b.toString();
  }
}
