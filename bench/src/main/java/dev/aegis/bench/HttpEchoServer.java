package dev.aegis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A deliberately tiny Streamable HTTP MCP server (the JDK's HTTP server, Jackson only): it answers
 * {@code initialize} (with an {@code Mcp-Session-Id}), {@code tools/list} and {@code tools/call
 * echo} with one JSON body each and notifications with 202, so the figures are about the proxy, not
 * the server. Runs inside the harness's JVM; thread-safe.
 */
final class HttpEchoServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  HttpEchoServer() throws IOException {
    // without it the JDK server's small answers wait for the client's delayed ACK (~40 ms)
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/mcp", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** The MCP endpoint's URL. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
      if (!req.has("id")) {
        ex.sendResponseHeaders(202, -1);
        return;
      }
      String id = JSON.writeValueAsString(req.get("id"));
      String method = req.path("method").asText();
      String result =
          switch (method) {
            case "initialize" -> {
              ex.getResponseHeaders().set("Mcp-Session-Id", "bench-session");
              yield "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                  + "\"serverInfo\":{\"name\":\"bench-echo\",\"version\":\"1\"}}";
            }
            case "tools/list" ->
                "{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}}]}";
            case "tools/call" ->
                "{\"content\":[{\"type\":\"text\",\"text\":"
                    + JSON.writeValueAsString(req.at("/params/arguments/message").asText())
                    + "}]}";
            default -> "{}";
          };
      byte[] body =
          ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}")
              .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
