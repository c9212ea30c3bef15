package dev.aegis.core.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Hex;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.json.Json;

/**
 * Builds the payloads of MCP_FRAME events. The frame itself is committed by digest ({@code
 * body_sha256}, {@code body_len}) and stored beside the chain, so the exact bytes are kept without
 * re-serialising them, and a body can later be redacted while the chain still verifies. The id is
 * recorded as its JSON text ({@code "1"} for the number 1, {@code "\"1\""} for the string "1").
 */
final class FrameEvents {
  private FrameEvents() {}

  /** Payload for a frame that was received whole. */
  static ObjectNode frame(Direction direction, String origin, Frame frame) {
    ObjectNode p = header(direction, origin, frame);
    p.put("kind", frame.kind().wireName());
    if (frame.problem() != null) {
      p.put("problem", frame.problem());
    }
    p.put("body_sha256", Hex.sha256(frame.bytes()));
    p.put("body_len", frame.length());
    return p;
  }

  /** Payload for a frame discarded for exceeding the size limit; only its digest is kept. */
  static ObjectNode oversized(
      Direction direction, Frame prefix, long length, String sha256, long limit) {
    ObjectNode p =
        header(direction, direction == Direction.CLIENT_TO_SERVER ? "client" : "server", prefix);
    p.put("kind", "oversized");
    p.put("problem", "frame of " + length + " bytes exceeds the limit of " + limit + " bytes");
    p.put("discarded_sha256", sha256);
    p.put("discarded_len", length);
    p.put("limit", limit);
    return p;
  }

  private static ObjectNode header(Direction direction, String origin, Frame frame) {
    ObjectNode p = Json.object();
    p.put("direction", direction.wireName());
    p.put("origin", origin);
    if (frame.method() != null) {
      p.put("method", frame.method());
    }
    if (frame.id() != null) {
      p.put("id", frame.id().toJson());
    }
    return p;
  }
}
