package dev.aegis.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One MCP session over Streamable HTTP as the harness drives it: {@code initialize} (keeping the
 * {@code Mcp-Session-Id}), {@code notifications/initialized}, then {@code tools/call echo} round
 * trips on one HTTP/1.1 keep-alive connection. Not thread-safe: one session per thread.
 */
final class HttpMcpClient {
  /** The text every call echoes. */
  static final String MESSAGE = "hello through aegis over http";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI uri;
  private final String sid;

  private HttpMcpClient(URI uri, String sid) {
    this.uri = uri;
    this.sid = sid;
  }

  /** Opens a session at {@code url}: the handshake; throws if the server refuses it. */
  static HttpMcpClient open(String url) throws IOException, InterruptedException {
    HttpMcpClient first = new HttpMcpClient(URI.create(url), null);
    HttpResponse<String> init =
        first.post(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
    if (init.statusCode() != 200) {
      throw new IOException("initialize: HTTP " + init.statusCode() + ": " + init.body());
    }
    HttpMcpClient s =
        new HttpMcpClient(first.uri, init.headers().firstValue("Mcp-Session-Id").orElse(null));
    s.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return s;
  }

  /** One {@code tools/call echo} with JSON-RPC id {@code id}; returns the answer's body. */
  String call(long id) throws IOException, InterruptedException {
    HttpResponse<String> r =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + id
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
                + "{\"message\":\""
                + MESSAGE
                + "\"}}}");
    if (r.statusCode() != 200) {
      throw new IOException("tools/call: HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** The answer {@link HttpEchoServer} gives to {@link #call}{@code (id)}, byte for byte. */
  static String expected(long id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
        + MESSAGE
        + "\"}]}}";
  }

  /**
   * Sends one request frame and returns the JSON-RPC answer's text: the JSON body, or the {@code
   * data} of the event-stream event that answers it (bridges built on the MCP SDKs answer with a
   * stream). Throws on an HTTP error or a stream without an answer.
   */
  String request(String frame) throws IOException, InterruptedException {
    HttpResponse<String> r = post(frame);
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
    }
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("text/event-stream")) {
      return r.body();
    }
    StringBuilder data = new StringBuilder();
    for (String line : r.body().split("\r?\n", -1)) {
      if (line.startsWith("data:")) {
        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
      } else if (line.isEmpty() && data.length() > 0) {
        String event = data.toString();
        if (event.contains("\"result\"") || event.contains("\"error\"")) {
          return event;
        }
        data.setLength(0);
      }
    }
    throw new IOException("no answer in the event stream: " + r.body());
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sid != null) {
      b.header("Mcp-Session-Id", sid);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
