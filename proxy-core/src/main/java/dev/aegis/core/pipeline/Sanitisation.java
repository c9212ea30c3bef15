package dev.aegis.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.json.Json;
import java.io.IOException;

/**
 * Sanitisation registered by a tool: a call to a tool the guard calls a sanitiser names a key in
 * {@code params._meta["io.aegis/sanitize"]}; when its answer is a success, SANITIZED records the
 * key, and later calls carrying {@code io.aegis/sanitizer_key} with it count as sanitised (policy
 * rule 5). Pure and thread-safe.
 */
final class Sanitisation {
  /** Where a sanitiser call names the key it registers. */
  static final String SANITIZE_META = "io.aegis/sanitize";

  /** Longest key registered, in UTF-16 code units. */
  static final int MAX_KEY = 128;

  private Sanitisation() {}

  /**
   * The key a sanitiser call registers: {@code params._meta["io.aegis/sanitize"]} when it is a
   * non-empty string of at most {@link #MAX_KEY} characters, else null (nothing is registered).
   */
  static String key(Frame request) {
    JsonNode key;
    try {
      key = request.tree().path("params").path("_meta").path(SANITIZE_META);
    } catch (IOException e) {
      return null;
    }
    String k = key.isTextual() ? key.asText() : "";
    return k.isEmpty() || k.length() > MAX_KEY ? null : k;
  }

  /** The SANITIZED payload for a call that succeeded. */
  static ObjectNode payload(ToolCall call) {
    ObjectNode s = Json.object();
    s.put("key", call.sanitizeKey());
    s.put("tool_name", call.toolName());
    s.put("proposal_seq", call.proposalSeq());
    s.put("call_id", call.id().toJson());
    s.put("source", "tool");
    return s;
  }
}
