package dev.aegis.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A small MCP server speaking the 2026-07-28 Streamable HTTP subset the proxy's 2026 tests need
 * (stateless POSTs: {@code server/discover}, {@code tools/list}, {@code tools/call} of {@code echo}
 * and {@code slow}, {@code subscriptions/listen}). A fake, used only because real 2026-07-28 peers
 * are scarce. {@code slow} answers with an event stream of progress notifications until its
 * connection closes, which it counts as a cancellation. {@code echo}'s {@code message} is annotated
 * {@code x-mcp-header: Message}. Every request received is recorded. Thread-safe; in-process.
 */
public final class Mcp2026Fixture implements AutoCloseable {
  /** One request as the fixture received it: its headers (lower-case names) and body. */
  public record Received(Map<String, String> headers, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch cancelled = new CountDownLatch(1);

  private Mcp2026Fixture(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free loopback port; path {@code /mcp}. */
  public static Mcp2026Fixture start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.setExecutor(Executors.newCachedThreadPool());
    Mcp2026Fixture f = new Mcp2026Fixture(s);
    s.createContext("/mcp", f::handle);
    s.start();
    return f;
  }

  /** The endpoint's URL. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
  }

  /** Every request received, in order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Counted down when a {@code slow} call's connection closed before it finished. */
  public CountDownLatch cancelled() {
    return cancelled;
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      if (!"POST".equals(x.getRequestMethod())) {
        x.sendResponseHeaders(405, -1);
        return;
      }
      JsonNode req = JSON.readTree(x.getRequestBody().readAllBytes());
      Map<String, String> headers = new TreeMap<>();
      x.getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      received.add(new Received(headers, req));
      if (!req.has("id")) {
        x.sendResponseHeaders(202, -1);
        return;
      }
      String method = req.path("method").asText();
      String tool = req.at("/params/name").asText();
      if (method.equals("subscriptions/listen")) {
        listen(x, req);
        return;
      }
      if (method.equals("tools/call") && tool.equals("slow")) {
        slow(x, req);
        return;
      }
      ObjectNode result = JSON.createObjectNode().put("resultType", "complete");
      switch (method) {
        case "server/discover" -> {
          result.putArray("supportedVersions").add("2026-07-28");
          result.putObject("capabilities").putObject("tools");
          result
              .putObject("_meta")
              .putObject("io.modelcontextprotocol/serverInfo")
              .put("name", "aegis-2026-fixture")
              .put("version", "1.0.0");
        }
        case "tools/list" -> {
          var tools = result.putArray("tools");
          for (String name : List.of("echo", "slow", "guarded", "wipe")) {
            ObjectNode t = tools.addObject().put("name", name).put("description", name);
            ObjectNode schema = t.putObject("inputSchema").put("type", "object");
            ObjectNode message =
                schema.putObject("properties").putObject("message").put("type", "string");
            if (name.equals("echo")) {
              message.put("x-mcp-header", "Message");
            }
          }
        }
        case "tools/call" ->
            result
                .putArray("content")
                .addObject()
                .put("type", "text")
                .put("text", "Echo: " + req.at("/params/arguments/message").asText());
        default -> {
          ObjectNode err = JSON.createObjectNode().put("jsonrpc", "2.0");
          err.set("id", req.get("id"));
          err.putObject("error").put("code", -32601).put("message", "Method not found");
          send(x, 404, err);
          return;
        }
      }
      ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
      answer.set("id", req.get("id"));
      answer.set("result", result);
      send(x, 200, answer);
    }
  }

  private static void send(HttpExchange x, int status, JsonNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
  }

  /**
   * A subscription stream: the acknowledgment (echoing the requested filter, the request id as the
   * subscription id), then one {@code notifications/tools/list_changed} on it, then the end.
   */
  private static void listen(HttpExchange x, JsonNode req) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.sendResponseHeaders(200, 0);
    ObjectNode ack = JSON.createObjectNode().put("jsonrpc", "2.0");
    ack.put("method", "notifications/subscriptions/acknowledged");
    ObjectNode params = ack.putObject("params");
    params.putObject("_meta").set("io.modelcontextprotocol/subscriptionId", req.get("id"));
    params.set("notifications", req.at("/params/notifications"));
    ObjectNode changed = JSON.createObjectNode().put("jsonrpc", "2.0");
    changed.put("method", "notifications/tools/list_changed");
    changed
        .putObject("params")
        .putObject("_meta")
        .set("io.modelcontextprotocol/subscriptionId", req.get("id"));
    OutputStream out = x.getResponseBody();
    for (JsonNode event : List.of(ack, changed)) {
      out.write(
          ("id: " + event.get("method").asText() + "\ndata: ").getBytes(StandardCharsets.UTF_8));
      out.write(JSON.writeValueAsBytes(event));
      out.write("\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /** Progress events every 50 ms (at most 60 s) until the client side of the stream goes away. */
  private void slow(HttpExchange x, JsonNode req) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.sendResponseHeaders(200, 0);
    OutputStream out = x.getResponseBody();
    try {
      for (int i = 0; i < 1200; i++) {
        String event =
            "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                + "{\"progressToken\":"
                + req.at("/params/_meta/progressToken")
                + ",\"progress\":"
                + i
                + "}}\n\n";
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(50);
      }
    } catch (IOException e) {
      cancelled.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
