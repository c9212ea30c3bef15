package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;

/** Test helpers: manifests from JSON text. */
final class Manifests {
  private Manifests() {}

  static final String MINIMAL =
      "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"notes\",\"version\":\"1.0.0\","
          + "\"publisher\":\"acme\",\"permissions\":{\"tools\":[\"search_notes\",\"read_note\"]}}";

  /** Parses JSON with single quotes for readability in tests. */
  static Manifest parse(String json) throws ManifestException {
    return ManifestLoader.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode tree(String json) {
    return (ObjectNode) Json.parseTrusted(json.replace('\'', '"'));
  }

  static Manifest parse(ObjectNode json) throws ManifestException {
    return ManifestLoader.parse(Json.write(json).getBytes(StandardCharsets.UTF_8));
  }
}
