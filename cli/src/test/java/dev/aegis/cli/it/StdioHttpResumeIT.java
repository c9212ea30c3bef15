package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.aegis.core.json.Json;
import dev.aegis.transport.http.TlsFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults server-everything does not produce, from a scripted Streamable HTTP upstream: a call's
 * event stream ends after a progress event and before the answer, and the proxy resumes it with
 * {@code GET} and {@code Last-Event-ID}; the session's own GET stream is refused with 405; every
 * request after initialize carries the session id, the negotiated version and the extra header; the
 * session is DELETEd when the client leaves.
 */
class StdioHttpResumeIT {
  @TempDir Path dir;

  /** What the scripted upstream saw: method, headers of interest, body. */
  record Seen(String method, String session, String version, String key, String lastEvent) {}

  @Test
  void aBrokenEventStreamIsResumedWithLastEventId() throws Exception {
    Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/mcp", ex -> answer(ex, seen));
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    List<String> args =
        List.of(
            "--store",
            "sqlite:" + dir.resolve("chain.db"),
            "--session",
            "resume-1",
            "--manifest",
            HttpPeers.manifest("server-everything.json").toString(),
            "--upstream-header",
            "X-Api-Key: k-1",
            "--upstream",
            url);
    try (ProxyProcess proxy = ProxyProcess.start("aegis-proxy", args)) {
      proxy.send(McpLines.INIT);
      assertThat(McpLines.answer(proxy, 0).at("/result/protocolVersion").asText())
          .isEqualTo("2025-06-18");
      proxy.send(McpLines.INITIALIZED);
      proxy.send(
          "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
              + "\"arguments\":{\"message\":\"m\"},\"_meta\":{\"progressToken\":\"p\"}}}");
      JsonNode answer = McpLines.answer(proxy, 7);
      assertThat(answer.at("/result/content/0/text").asText()).isEqualTo("resumed");
      assertThat(proxy.stdout()).contains("\"notifications/progress\"");
      proxy.closeStdin();
      assertThat(proxy.waitFor(60)).as(proxy.stderr()).isZero();
    } finally {
      server.stop(0);
    }
    assertThat(seen)
        .extracting(Seen::method)
        .contains("POST initialize", "POST tools/call", "GET resume", "DELETE");
    assertThat(seen)
        .filteredOn(s -> !s.method().equals("POST initialize"))
        .allMatch(s -> "fake-session".equals(s.session()) && "2025-06-18".equals(s.version()));
    assertThat(seen).allMatch(s -> "k-1".equals(s.key()));
    assertThat(seen)
        .filteredOn(s -> s.method().equals("GET resume"))
        .extracting(Seen::lastEvent)
        .containsExactly("ev-1");
  }

  @Test
  void anHttpsUpstreamIsTrustedThroughUpstreamCaAndRefusedWithoutIt() throws Exception {
    TestPki pki = TestPki.create(dir);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(new TlsFiles(pki.serverCert, pki.serverKey, null).serverContext()));
    Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    server.createContext("/mcp", ex -> answer(ex, seen));
    server.start();
    String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    String store = "sqlite:" + dir.resolve("tls.db");
    try {
      try (ProxyProcess proxy =
          ProxyProcess.start(
              "aegis-proxy",
              List.of(
                  "--store", store, "--upstream-ca", pki.caCert.toString(), "--upstream", url))) {
        proxy.send(McpLines.INIT);
        assertThat(McpLines.answer(proxy, 0).at("/result/serverInfo/name").asText())
            .isEqualTo("fake");
        proxy.closeStdin();
        assertThat(proxy.waitFor(60)).as(proxy.stderr()).isZero();
      }
      try (ProxyProcess proxy =
          ProxyProcess.start("aegis-proxy", List.of("--store", store, "--upstream", url))) {
        proxy.send(McpLines.INIT); // the JDK's trust store does not know the test CA
        assertThat(McpLines.answer(proxy, 0).at("/error/data/reason").asText())
            .isEqualTo("UPSTREAM_CLOSED");
        assertThat(proxy.waitFor(60)).as(proxy.stderr()).isEqualTo(69);
      }
    } finally {
      server.stop(0);
    }
    assertThat(seen).extracting(Seen::method).containsOnlyOnce("POST initialize");
  }

  private static void answer(HttpExchange ex, Queue<Seen> seen) throws IOException {
    String method = ex.getRequestMethod();
    String last = ex.getRequestHeaders().getFirst("Last-Event-ID");
    String label = method;
    JsonNode frame = null;
    if (method.equals("POST")) {
      frame = Json.parse(ex.getRequestBody().readAllBytes());
      label = "POST " + frame.path("method").asText("response");
    } else if (method.equals("GET")) {
      label = last == null ? "GET stream" : "GET resume";
    }
    seen.add(
        new Seen(
            label,
            ex.getRequestHeaders().getFirst("Mcp-Session-Id"),
            ex.getRequestHeaders().getFirst("MCP-Protocol-Version"),
            ex.getRequestHeaders().getFirst("X-Api-Key"),
            last));
    switch (label) {
      case "POST initialize" -> {
        ex.getResponseHeaders().add("Mcp-Session-Id", "fake-session");
        send(
            ex,
            200,
            "application/json",
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"fake\",\"version\":\"1\"}}}");
      }
      case "POST tools/call" -> // one progress event, then the stream ends without the answer
          send(
              ex,
              200,
              "text/event-stream",
              "id: ev-0\ndata:\n\nid: ev-1\ndata: {\"jsonrpc\":\"2.0\",\"method\":"
                  + "\"notifications/progress\",\"params\":{\"progressToken\":\"p\",\"progress\":1}}\n\n");
      case "GET resume" ->
          send(
              ex,
              200,
              "text/event-stream",
              "id: ev-2\ndata: {\"jsonrpc\":\"2.0\",\"id\":"
                  + frameId(last)
                  + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"resumed\"}]}}\n\n");
      case "GET stream" -> send(ex, 405, "text/plain", "");
      case "DELETE" -> send(ex, 200, "text/plain", "");
      default -> send(ex, 202, "text/plain", "");
    }
  }

  private static String frameId(String lastEventId) {
    return "ev-1".equals(lastEventId) ? "7" : "null";
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
