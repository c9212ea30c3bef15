package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@code aegis.yaml} file: a flat map whose keys are the long flag names without dashes (for
 * example {@code max-frame-bytes: 1048576}). Unknown keys are an error, so typos do not pass
 * silently. Immutable.
 */
public final class ConfigFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path path;
  private final Map<String, String> values;

  private ConfigFile(Path path, Map<String, String> values) {
    this.path = path;
    this.values = Map.copyOf(values);
  }

  /** An empty config (no file given). */
  public static ConfigFile empty() {
    return new ConfigFile(null, Map.of());
  }

  /** Loads and checks a file against the allowed keys; messages name the file and key. */
  public static ConfigFile load(Path path, Set<String> allowedKeys) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new IllegalArgumentException("config: cannot read " + path + ": " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new ConfigFile(path, values);
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("config: " + path + " (expected: a mapping of keys)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!allowedKeys.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "config: "
                + path
                + ": unknown key '"
                + e.getKey()
                + "' (expected one of "
                + String.join(", ", new java.util.TreeSet<>(allowedKeys))
                + ")");
      }
      values.put(e.getKey(), scalarOrLines(path, e.getKey(), e.getValue()));
    }
    return new ConfigFile(path, values);
  }

  /** A scalar's text, or a sequence of scalars one per line (for repeatable flags). */
  private static String scalarOrLines(Path path, String key, JsonNode v) {
    if (v.isValueNode()) {
      return v.asText();
    }
    if (v.isArray()) {
      List<String> lines = new ArrayList<>();
      for (JsonNode item : v) {
        if (!item.isValueNode()) {
          break;
        }
        lines.add(item.asText());
      }
      if (lines.size() == v.size()) {
        return String.join("\n", lines);
      }
    }
    throw new IllegalArgumentException(
        "config: " + path + ": key '" + key + "' (expected: a scalar value or a list of them)");
  }

  /**
   * The values of a repeatable flag: those given on the command line, else the file's (a list, or
   * one per line), else none.
   */
  public List<String> pickAll(List<String> flagValues, String key) {
    if (!flagValues.isEmpty()) {
      return flagValues;
    }
    String v = values.get(key);
    return v == null ? List.of() : v.lines().filter(l -> !l.isBlank()).map(String::strip).toList();
  }

  /** The flag value if given, else the file's value, else the default. */
  public String pick(String flagValue, String key, String defaultValue) {
    if (flagValue != null) {
      return flagValue;
    }
    return values.getOrDefault(key, defaultValue);
  }

  /** Where the values came from, for messages. */
  public String source() {
    return path == null ? "defaults" : path.toString();
  }
}
