package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * One request to the control API, as the handlers see it: path parameters, query parameters and the
 * JSON body (read at most once, capped at {@link #MAX_BODY_BYTES}). Used by one handler thread.
 */
final class ApiExchange {
  /** Largest request body accepted; larger ones get 413. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** How much of an oversized body is read and dropped before the 413 is sent. */
  private static final long MAX_DRAIN_BYTES = 64L << 20;

  private final HttpExchange http;
  private final Matcher path;
  private final Map<String, String> query;

  ApiExchange(HttpExchange http, Matcher path) {
    this.http = http;
    this.path = path;
    this.query = parseQuery(http.getRequestURI().getRawQuery());
  }

  /** A named group of the route's path pattern, URL-decoded. */
  String pathParam(String name) {
    return URLDecoder.decode(path.group(name), StandardCharsets.UTF_8);
  }

  /** A query parameter, or null. */
  String query(String name) {
    return query.get(name);
  }

  /** A query parameter, or {@code fallback}. */
  String query(String name, String fallback) {
    return query.getOrDefault(name, fallback);
  }

  /** A positive integer query parameter in [1, max], or {@code fallback}; 400 otherwise. */
  int intQuery(String name, int fallback, int max) {
    String v = query.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        name + ": " + v + " (expected: an integer from 1 to " + max + ")");
  }

  /** The body as a JSON object; 400 if it is not one, 413 if it is too large. */
  ObjectNode jsonBody() {
    byte[] bytes = readBody();
    JsonNode n;
    try {
      n = bytes.length == 0 ? null : Json.parse(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("invalid JSON: " + firstLine(e.getMessage()));
    }
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest("expected a JSON object as the request body");
    }
    return (ObjectNode) n;
  }

  private byte[] readBody() {
    try (InputStream in = http.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
      if (b.length > MAX_BODY_BYTES) {
        discardRest(in);
        throw new ApiException(
            413, "PAYLOAD_TOO_LARGE", "request body over " + MAX_BODY_BYTES + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  /**
   * Reads and drops what is left of an oversized body (up to {@link #MAX_DRAIN_BYTES}), so that the
   * client, still sending, receives the 413 instead of a connection reset.
   */
  private static void discardRest(InputStream in) throws IOException {
    long dropped = 0;
    byte[] sink = new byte[16 * 1024];
    int n;
    while (dropped < MAX_DRAIN_BYTES && (n = in.read(sink)) >= 0) {
      dropped += n;
    }
  }

  /** Sends a JSON answer. */
  void send(int status, JsonNode body) throws IOException {
    send(status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
  }

  /** Sends an answer with a content type. */
  void send(int status, String contentType, byte[] body) throws IOException {
    http.getResponseHeaders().set("Content-Type", contentType);
    http.getResponseHeaders().set("Cache-Control", "no-store");
    http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = http.getResponseBody()) {
      out.write(body);
    }
  }

  /** The error document {@code {"error": {"code", "message"}}}. */
  static ObjectNode error(String code, String message) {
    ObjectNode o = Json.object();
    o.putObject("error").put("code", code).put("message", message);
    return o;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      m.putIfAbsent(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }
}
