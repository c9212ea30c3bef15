package dev.aegis.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A hand-written Streamable HTTP client (2025-x) for tests that need to see the wire: it POSTs one
 * message at a time, keeps the session id, and reads answers given as JSON or as an event stream.
 */
final class RawMcpHttp {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI endpoint;
  private volatile String sessionId;

  RawMcpHttp(int port) {
    this.endpoint = URI.create("http://127.0.0.1:" + port + "/mcp");
  }

  /** initialize + notifications/initialized; keeps the session id the answer carries. */
  JsonNode initialize() throws Exception {
    HttpResponse<String> r =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
    sessionId = r.headers().firstValue("Mcp-Session-Id").orElse(null);
    post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return frames(r).get(0);
  }

  /** Sends later requests with this session id (for requests with an id the server never gave). */
  RawMcpHttp session(String id) {
    sessionId = id;
    return this;
  }

  String sessionId() {
    return sessionId;
  }

  HttpResponse<String> post(String body) throws Exception {
    return postAsync(body).get();
  }

  CompletableFuture<HttpResponse<String>> postAsync(String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2025-06-18")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sessionId != null) {
      b.header("Mcp-Session-Id", sessionId);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens the session's GET stream, resuming after {@code lastEventId}; lines as they arrive. */
  HttpResponse<java.util.stream.Stream<String>> get(String lastEventId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .header("Accept", "text/event-stream")
            .header("MCP-Protocol-Version", "2025-06-18")
            .header("Mcp-Session-Id", sessionId)
            .GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
  }

  /** The frames of an answer: its JSON body, or the data of each event of its stream. */
  static List<JsonNode> frames(HttpResponse<String> r) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String ct = r.headers().firstValue("Content-Type").orElse("");
    if (ct.startsWith("application/json")) {
      out.add(Json.parse(r.body().getBytes(StandardCharsets.UTF_8)));
      return out;
    }
    StringBuilder data = new StringBuilder();
    for (String line : (r.body() + "\n").split("\r?\n", -1)) {
      if (line.isEmpty()) {
        if (data.length() > 0) {
          out.add(Json.parse(data.toString().getBytes(StandardCharsets.UTF_8)));
          data.setLength(0);
        }
      } else if (line.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
      }
    }
    return out;
  }

  /** The answer (a frame with an id and no method) among the frames of a response. */
  static JsonNode answer(HttpResponse<String> r) throws Exception {
    for (JsonNode f : frames(r)) {
      if (f.has("id") && !f.has("method")) {
        return f;
      }
    }
    throw new AssertionError("no answer in: " + r.body());
  }
}
