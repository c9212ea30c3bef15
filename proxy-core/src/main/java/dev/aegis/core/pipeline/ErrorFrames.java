package dev.aegis.core.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.frame.JsonRpcId;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;

/** Encodes the proxy's own JSON-RPC error responses. Stateless and thread-safe. */
public final class ErrorFrames {
  private ErrorFrames() {}

  /**
   * An error response to {@code id} (null id when unknown) with {@code data: {source: "aegis",
   * reason, side, ...extra}}; the id is written with its original JSON type and text.
   */
  public static byte[] encode(JsonRpcId id, ProxyError error, String message, ObjectNode extra) {
    ObjectNode data = Json.object();
    data.put("source", "aegis");
    data.put("reason", error.name());
    data.put("side", error.side().wireName());
    if (extra != null) {
      data.setAll(extra);
    }
    ObjectNode err = Json.object();
    err.put("code", error.code());
    err.put("message", message);
    err.set("data", data);
    String idJson = (id == null ? JsonRpcId.NULL : id).toJson();
    String text = "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"error\":" + Json.write(err) + "}";
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
