package dev.aegis.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.json.Json;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the 2026-07-28 request metadata headers against the body: {@code MCP-Protocol-Version}
 * against {@code _meta["io.modelcontextprotocol/protocolVersion"]}, {@code Mcp-Method} against
 * {@code method}, {@code Mcp-Name} against {@code params.name} / {@code params.uri}, and every
 * {@code Mcp-Param-*} value for its characters and its Base64 sentinel encoding and, for a tool
 * whose {@code x-mcp-header} annotations the proxy has seen ({@link ParamHeaders}), against the
 * arguments. A failure is answered 400 with JSON-RPC error {@code -32020} (HeaderMismatch); valid
 * headers are forwarded unchanged. Stateless and pure; any thread.
 */
final class HeaderCheck {
  /** The spec's HeaderMismatch error code. */
  static final int HEADER_MISMATCH = -32020;

  private static final Set<String> NAMED = Set.of("tools/call", "resources/read", "prompts/get");
  private static final String SENTINEL_START = "=?base64?";
  private static final String SENTINEL_END = "?=";

  private HeaderCheck() {}

  /**
   * Null if the headers agree with the body, else what is wrong. Requests of the 2026-07-28 era
   * must carry the headers; earlier ones are checked only for the headers they do carry.
   */
  static String problem(HttpHeaders h, Frame f, ParamHeaders params) {
    if (f.kind() != FrameKind.REQUEST && f.kind() != FrameKind.NOTIFICATION) {
      return null; // responses and malformed bodies: the core answers those
    }
    boolean required = Era2026.is2026(f, h) && f.kind() == FrameKind.REQUEST;
    if (required) {
      String version = h.get("MCP-Protocol-Version");
      String meta = Era2026.metaVersion(f);
      if (version == null) {
        return "the MCP-Protocol-Version header is missing";
      }
      if (!version.equals(meta)) {
        return "MCP-Protocol-Version header value '"
            + version
            + "' does not match body value '"
            + meta
            + "'";
      }
    }
    String method = h.get("Mcp-Method");
    if (method == null && required) {
      return "the Mcp-Method header is missing";
    }
    if (method != null && !method.equals(f.method())) {
      return "Mcp-Method header value '"
          + method
          + "' does not match body value '"
          + f.method()
          + "'";
    }
    String name = h.get("Mcp-Name");
    String bodyName = NAMED.contains(f.method()) ? bodyName(f) : null;
    if (name == null && bodyName != null && required) {
      return "the Mcp-Name header is missing";
    }
    if (name != null) {
      String decoded = decode(name);
      if (decoded == null) {
        return "the Mcp-Name header value is not a valid header value";
      }
      if (!decoded.equals(bodyName)) {
        return "Mcp-Name header value '" + name + "' does not match body value '" + bodyName + "'";
      }
    }
    for (Map.Entry<String, String> e : h) {
      if (e.getKey().toLowerCase(Locale.ROOT).startsWith("mcp-param-")
          && decode(e.getValue()) == null) {
        return "the " + e.getKey() + " header value is not a valid header value";
      }
    }
    if ("tools/call".equals(f.method())) {
      return params.problem(h, bodyName(f), arguments(f));
    }
    return null;
  }

  /** The 400 body: a JSON-RPC error -32020 with the request's id (null for a notification). */
  static byte[] error(Frame f, String problem) {
    ObjectNode r = Json.object().put("jsonrpc", "2.0");
    if (f.kind() == FrameKind.REQUEST && f.id() != null) {
      r.set("id", Json.parseTrusted(f.id().toJson()));
    } else {
      r.putNull("id");
    }
    r.putObject("error").put("code", HEADER_MISMATCH).put("message", "Header mismatch: " + problem);
    return Json.write(r).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The request metadata headers of a frame the proxy sends upstream on its own, based on the
   * headers of the session's latest client request: {@code Mcp-Method}, {@code Mcp-Name} and {@code
   * Mcp-Param-*} are recomputed from the frame when the client used them (or the session is of the
   * 2026-07-28 era), so they never describe another request.
   */
  static HttpHeaders mirror(HttpHeaders client, Frame f, ParamHeaders params) {
    HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders().add(client);
    boolean used = h.contains("Mcp-Method") || Era2026.is2026(f, h);
    h.remove("Mcp-Method");
    h.remove("Mcp-Name");
    for (String n : java.util.List.copyOf(h.names())) {
      if (n.toLowerCase(Locale.ROOT).startsWith("mcp-param-")) {
        h.remove(n);
      }
    }
    if (!used || f.method() == null) {
      return h;
    }
    h.set("Mcp-Method", f.method());
    String name = NAMED.contains(f.method()) ? bodyName(f) : null;
    if (name != null) {
      h.set("Mcp-Name", encode(name));
    }
    if ("tools/call".equals(f.method())) {
      params.headersFor(name, arguments(f)).forEach(h::set);
    }
    return h;
  }

  /** A value as a header carries it: as is when plain visible ASCII, else {@code =?base64?…?=}. */
  static String encode(String value) {
    boolean plain =
        !value.isEmpty()
            && value.charAt(0) != ' '
            && value.charAt(value.length() - 1) != ' '
            && !(value.startsWith(SENTINEL_START) && value.endsWith(SENTINEL_END));
    for (int i = 0; plain && i < value.length(); i++) {
      char c = value.charAt(i);
      plain = c >= 0x20 && c <= 0x7e;
    }
    return plain
        ? value
        : SENTINEL_START
            + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
            + SENTINEL_END;
  }

  /**
   * A header value as the body would have it: plain visible ASCII (space and tab allowed) as is, a
   * {@code =?base64?…?=} value decoded (UTF-8); null if it has other characters or bad Base64.
   */
  static String decode(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < 0x20 || c > 0x7e)) {
        return null;
      }
    }
    if (value.startsWith(SENTINEL_START)
        && value.endsWith(SENTINEL_END)
        && value.length() >= SENTINEL_START.length() + SENTINEL_END.length()) {
      String b64 = value.substring(SENTINEL_START.length(), value.length() - SENTINEL_END.length());
      try {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return value;
  }

  private static JsonNode arguments(Frame f) {
    try {
      return f.tree().path("params").path("arguments");
    } catch (IOException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  private static String bodyName(Frame f) {
    try {
      JsonNode p = f.tree().path("params");
      JsonNode n = "resources/read".equals(f.method()) ? p.path("uri") : p.path("name");
      return n.isTextual() ? n.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
