package dev.aegis.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.Hex;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Request classification for the 2026-07-28 era: a POST without {@code Mcp-Session-Id} whose {@code
 * _meta} (or {@code MCP-Protocol-Version} header) names 2026-07-28 or later is stateless, and is
 * mapped to an Aegis session by a key: the {@code io.aegis/session} value of its {@code _meta},
 * else the W3C trace id ({@code _meta.traceparent}, else the {@code traceparent} header), else the
 * authenticated client (the SHA-256 of the {@code Authorization} value, never the value), else the
 * client connection. Stateless and pure; any thread.
 */
final class Era2026 {
  /** The first protocol version of the era. */
  static final String FIRST = "2026-07-28";

  static final String VERSION_META = "io.modelcontextprotocol/protocolVersion";
  static final String SESSION_META = "io.aegis/session";

  private Era2026() {}

  /** The {@code _meta} protocol version of a request or notification, or null. */
  static String metaVersion(Frame f) {
    JsonNode v = meta(f).path(VERSION_META);
    return v.isTextual() ? v.asText() : null;
  }

  /** True if the request belongs to the 2026-07-28 era (by its body or its version header). */
  static boolean is2026(Frame f, HttpHeaders h) {
    String meta = metaVersion(f);
    String header = h.get("MCP-Protocol-Version");
    return (meta != null && meta.compareTo(FIRST) >= 0)
        || (header != null && header.compareTo(FIRST) >= 0);
  }

  /** True if the POST is a stateless 2026-07-28 request (no {@code Mcp-Session-Id}). */
  static boolean stateless(String mcpSessionId, Frame f, HttpHeaders h) {
    return mcpSessionId == null && is2026(f, h);
  }

  /**
   * The session key of a stateless request: {@code aegis:VALUE}, {@code trace:TRACEID}, {@code
   * auth:SHA256} or {@code peer:ADDRESS} ({@code peer} is the client connection's remote address).
   */
  static String sessionKey(Frame f, HttpHeaders h, String peer) {
    JsonNode meta = meta(f);
    JsonNode own = meta.path(SESSION_META);
    if (own.isTextual() && !own.asText().isEmpty()) {
      return "aegis:" + own.asText();
    }
    String trace = traceId(meta.path("traceparent").asText(null));
    if (trace == null) {
      trace = traceId(h.get("traceparent"));
    }
    if (trace != null) {
      return "trace:" + trace;
    }
    String auth = h.get(HttpHeaderNames.AUTHORIZATION);
    if (auth != null && !auth.isEmpty()) {
      return "auth:" + Hex.sha256(auth.getBytes(StandardCharsets.UTF_8));
    }
    return "peer:" + peer;
  }

  /** The trace id of a W3C traceparent ({@code VERSION-TRACEID-PARENTID-FLAGS}), or null. */
  static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.trim().split("-");
    if (parts.length < 4 || parts[1].length() != 32 || !parts[1].matches("[0-9a-f]{32}")) {
      return null;
    }
    return parts[1].equals("0".repeat(32)) ? null : parts[1].toLowerCase(Locale.ROOT);
  }

  /** What a key looks like in logs: its kind and a digest prefix (values may identify users). */
  static String describe(String key) {
    int colon = key.indexOf(':');
    return key.substring(0, colon)
        + " sha256:"
        + Hex.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  private static JsonNode meta(Frame f) {
    if (f.kind() != FrameKind.REQUEST && f.kind() != FrameKind.NOTIFICATION) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    try {
      return f.tree().path("params").path("_meta");
    } catch (IOException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }
}
