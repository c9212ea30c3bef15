package dev.aegis.guard.manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of {@code aegis.dev/manifest/v0.1}: for every object, its keys in their documented
 * order and the JSON type of each. The loader rejects anything else; the writer uses the order.
 */
final class ManifestSchema {
  /** The JSON type a key must have. */
  enum Type {
    OBJECT("an object"),
    STRING("a string"),
    BOOLEAN("true or false"),
    INTEGER("an integer"),
    STRINGS("an array of strings"),
    /** An object of free keys (paths) with string values: {@code integrity.files}. */
    STRING_MAP("an object mapping paths to strings");

    final String expected;

    Type(String expected) {
      this.expected = expected;
    }
  }

  /** One key of an object. */
  record Key(String name, Type type) {}

  private static final Map<String, List<Key>> OBJECTS = new LinkedHashMap<>();

  static {
    define(
        "$",
        key("schema", Type.STRING),
        key("name", Type.STRING),
        key("version", Type.STRING),
        key("publisher", Type.STRING),
        key("permissions", Type.OBJECT),
        key("sandbox", Type.OBJECT),
        key("integrity", Type.OBJECT));
    define(
        "permissions",
        key("tools", Type.STRINGS),
        key("fs", Type.OBJECT),
        key("net", Type.OBJECT),
        key("exec", Type.OBJECT),
        key("high_risk", Type.STRINGS),
        key("secrets", Type.STRINGS),
        key("approval_required", Type.STRINGS),
        key("budgets", Type.OBJECT),
        key("loops", Type.OBJECT),
        key("taint", Type.OBJECT));
    define(
        "permissions.fs",
        key("read_roots", Type.STRINGS),
        key("write_roots", Type.STRINGS),
        key("tools", Type.STRINGS),
        key("read_tools", Type.STRINGS));
    define("permissions.net", key("domains", Type.STRINGS), key("tools", Type.STRINGS));
    define(
        "permissions.exec",
        key("allowed_bins", Type.STRINGS),
        key("arg_patterns", Type.STRINGS),
        key("tools", Type.STRINGS));
    define(
        "permissions.budgets",
        key("max_steps", Type.INTEGER),
        key("max_tool_calls", Type.INTEGER),
        key("max_wall_time_ms", Type.INTEGER),
        key("max_output_bytes", Type.INTEGER),
        key("timeout_ms", Type.INTEGER));
    define(
        "permissions.loops",
        key("identical_call_threshold", Type.INTEGER),
        key("no_progress_threshold", Type.INTEGER),
        key("sequence_min_length", Type.INTEGER),
        key("sequence_max_length", Type.INTEGER),
        key("window", Type.INTEGER));
    define(
        "permissions.taint",
        key("mode", Type.STRING),
        key("untrusted_tools", Type.STRINGS),
        key("sanitizers", Type.STRINGS));
    define(
        "sandbox",
        key("required", Type.BOOLEAN),
        key("image", Type.STRING),
        key("mounts", Type.STRINGS));
    define(
        "integrity",
        key("files", Type.STRING_MAP),
        key("tree_sha256", Type.STRING),
        key("signature", Type.OBJECT));
    define(
        "integrity.signature",
        key("alg", Type.STRING),
        key("key_id", Type.STRING),
        key("value", Type.STRING));
  }

  private ManifestSchema() {}

  private static Key key(String name, Type type) {
    return new Key(name, type);
  }

  private static void define(String path, Key... keys) {
    OBJECTS.put(path, List.of(keys));
  }

  /** The keys of the object at a path ("$" for the root), in documented order. */
  static List<Key> keys(String objectPath) {
    List<Key> keys = OBJECTS.get(objectPath);
    if (keys == null) {
      throw new IllegalArgumentException("no object at " + objectPath);
    }
    return keys;
  }

  /** The key of that name in the object at a path, if the schema has one. */
  static Optional<Key> find(String objectPath, String name) {
    return keys(objectPath).stream().filter(k -> k.name().equals(name)).findFirst();
  }
}
