package dev.aegis.examples;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders SDK values as compact JSON with object keys sorted, so equal values print equally. */
final class StableJson {

  private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

  private StableJson() {}

  static String of(Object value) {
    try {
      return JSON.writeValueAsString(sorted(JSON.convertValue(value, Object.class)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object sorted(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new TreeMap<>();
      map.forEach((key, value) -> copy.put(String.valueOf(key), sorted(value)));
      return copy;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(StableJson::sorted).collect(Collectors.toList());
    }
    return node;
  }
}
