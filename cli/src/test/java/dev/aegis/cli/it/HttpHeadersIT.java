package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.store.ChainStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers across the HTTP gateway, against an upstream that records what it receives: end-to-end
 * headers (Authorization included) pass both ways, hop-by-hop ones do not, Host names the upstream;
 * a 401 with WWW-Authenticate reaches the client unchanged; and the bearer token appears neither in
 * the proxy's logs nor anywhere in the chain.
 */
class HttpHeadersIT {
  private static final String SECRET = "s3cr3t-bearer-value-9f2c";
  private static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

  @TempDir Path dir;

  @Test
  void endToEndHeadersPassHopByHopOnesDoNotAndTheTokenIsNeverLoggedOrSealed() throws Exception {
    AtomicReference<Headers> seen = new AtomicReference<>();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    upstream.createContext("/mcp", ex -> answer(ex, seen));
    upstream.start();
    int port = HttpPeers.freePort();
    int upstreamPort = upstream.getAddress().getPort();
    try (ProxyProcess proxy =
        HttpPeers.proxy(
            dir.resolve("chain.db"),
            port,
            "http://127.0.0.1:" + upstreamPort + "/mcp",
            HttpPeers.manifest("server-everything.json"))) {
      String refused = exchange(port, "");
      assertThat(refused).startsWith("HTTP/1.1 401");
      assertThat(refused)
          .containsIgnoringCase(
              "WWW-Authenticate: Bearer resource_metadata=\"http://x/.well-known/r\"")
          .endsWith("{\"error\":\"unauthorized\"}");

      String ok =
          exchange(
              port,
              "Authorization: Bearer "
                  + SECRET
                  + "\r\nX-Custom: kept\r\nConnection: keep-alive, X-Hop\r\nX-Hop: dropped\r\n");
      assertThat(ok).startsWith("HTTP/1.1 200").containsIgnoringCase("X-Upstream: yes");
      assertThat(ok).containsIgnoringCase("Mcp-Session-Id: fixture-session");
      Headers h = seen.get();
      assertThat(h.getFirst("Authorization")).isEqualTo("Bearer " + SECRET);
      assertThat(h.getFirst("X-Custom")).isEqualTo("kept");
      assertThat(h.containsKey("X-Hop")).isFalse();
      assertThat(h.getFirst("Host")).isEqualTo("127.0.0.1:" + upstreamPort);

      proxy.process.destroy();
      assertThat(proxy.waitFor(30)).isZero();
      assertThat(proxy.stderr()).doesNotContain(SECRET);
    } finally {
      upstream.stop(0);
    }
    String url = "sqlite:" + dir.resolve("chain.db");
    int records = 0;
    try (ChainStore store = ChainStores.open(url, Durability.NORMAL)) {
      for (SessionSummary s : store.sessions("default")) {
        StringBuilder all = new StringBuilder();
        store.read(
            "default",
            s.sessionId(),
            r -> {
              all.append(new String(r.sealed(), StandardCharsets.UTF_8));
              if (r.body() != null) {
                all.append(new String(r.body(), StandardCharsets.UTF_8));
              }
            });
        assertThat(all.toString()).contains("initialize").doesNotContain(SECRET);
        records++;
      }
    }
    assertThat(records).isEqualTo(2); // the refused initialize and the accepted one
  }

  @Test
  void requestsOutsideTheProtocolAreAnsweredWithoutTheUpstream() throws Exception {
    int port = HttpPeers.freePort();
    try (ProxyProcess proxy =
        HttpPeers.proxy(
            dir.resolve("chain.db"),
            port,
            "http://127.0.0.1:" + HttpPeers.freePort() + "/mcp",
            HttpPeers.manifest("server-everything.json"))) {
      assertThat(raw(port, "GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
      assertThat(raw(port, "GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
          .startsWith("HTTP/1.1 404");
      assertThat(raw(port, "PUT /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"))
          .startsWith("HTTP/1.1 405")
          .containsIgnoringCase("Allow: GET, POST, DELETE");
      assertThat(proxy.process.isAlive()).isTrue();
    }
  }

  @Test
  void oauthDiscoveryDocumentsAndCorsPreflightsAreRelayedUnchangedAndNeverSealed()
      throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    AtomicReference<Headers> seen = new AtomicReference<>();
    upstream.createContext(
        "/.well-known/oauth-protected-resource/v1/mcp",
        ex -> document(ex, seen, "{\"resource\":\"https://proxy.example/mcp\"}"));
    upstream.createContext(
        "/.well-known/oauth-authorization-server",
        ex -> document(ex, seen, "{\"issuer\":\"https://as.example\"}"));
    upstream.createContext(
        "/v1/mcp",
        ex -> {
          try (ex) {
            seen.set(ex.getRequestHeaders());
            ex.getResponseHeaders().set("Access-Control-Allow-Origin", "http://localhost:6274");
            ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST, DELETE");
            ex.getResponseHeaders().set("Access-Control-Expose-Headers", "Mcp-Session-Id");
            ex.sendResponseHeaders(ex.getRequestMethod().equals("OPTIONS") ? 204 : 405, -1);
          }
        });
    upstream.start();
    int port = HttpPeers.freePort();
    try (ProxyProcess proxy =
        HttpPeers.proxy(
            dir.resolve("chain.db"),
            port,
            "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1/mcp",
            HttpPeers.manifest("server-everything.json"))) {
      // the proxy's resource (/mcp) maps to the upstream's (/v1/mcp)
      String resource =
          raw(
              port,
              "GET /.well-known/oauth-protected-resource/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Accept: application/json\r\n\r\n");
      assertThat(resource)
          .startsWith("HTTP/1.1 200")
          .containsIgnoringCase("Cache-Control: max-age=60")
          .endsWith("{\"resource\":\"https://proxy.example/mcp\"}");
      assertThat(seen.get().getFirst("Accept")).isEqualTo("application/json");
      String server =
          raw(
              port,
              "GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(server).startsWith("HTTP/1.1 200").endsWith("{\"issuer\":\"https://as.example\"}");
      String preflight =
          raw(
              port,
              "OPTIONS /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://localhost:6274\r\n"
                  + "Access-Control-Request-Method: POST\r\n\r\n");
      assertThat(preflight)
          .as("a CORS preflight gets the upstream's answer")
          .startsWith("HTTP/1.1 204")
          .containsIgnoringCase("Access-Control-Allow-Origin: http://localhost:6274")
          .containsIgnoringCase("Access-Control-Expose-Headers: Mcp-Session-Id");
      assertThat(seen.get().getFirst("Access-Control-Request-Method")).isEqualTo("POST");
      assertThat(raw(port, "GET /.well-known/other HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
          .startsWith("HTTP/1.1 404");
      assertThat(
              raw(
                  port,
                  "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
          .as("the upstream's own 404 passes")
          .startsWith("HTTP/1.1 404");
    } finally {
      upstream.stop(0);
    }
    try (ChainStore store =
        ChainStores.open("sqlite:" + dir.resolve("chain.db"), Durability.NORMAL)) {
      assertThat(store.sessions(null)).as("no MCP session, nothing sealed").isEmpty();
    }
  }

  private static void document(HttpExchange ex, AtomicReference<Headers> seen, String json)
      throws IOException {
    try (ex) {
      seen.set(ex.getRequestHeaders());
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Cache-Control", "max-age=60");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    }
  }

  /** The fixture upstream: 401 without a token, else an initialize answer with extra headers. */
  private static void answer(HttpExchange ex, AtomicReference<Headers> seen) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      byte[] body;
      if (ex.getRequestHeaders().getFirst("Authorization") == null) {
        ex.getResponseHeaders()
            .set("WWW-Authenticate", "Bearer resource_metadata=\"http://x/.well-known/r\"");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        body = "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(401, body.length);
      } else {
        seen.set(ex.getRequestHeaders());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Mcp-Session-Id", "fixture-session");
        ex.getResponseHeaders().set("X-Upstream", "yes");
        body =
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"serverInfo\":{\"name\":\"fixture\",\"version\":\"1\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
      }
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Sends raw bytes, returns the response. */
  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.setSoTimeout(30_000);
      return readResponse(s.getInputStream());
    }
  }

  /** One POST of INIT over a raw socket (so hop-by-hop headers can be set); the whole response. */
  private static String exchange(int port, String extraHeaders) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      byte[] body = INIT.getBytes(StandardCharsets.UTF_8);
      String head =
          "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
              + "\r\nContent-Length: "
              + body.length
              + "\r\n"
              + extraHeaders
              + "\r\n";
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      s.setSoTimeout(30_000);
      return readResponse(s.getInputStream());
    }
  }

  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int contentLength = -1;
    int headerEnd = -1;
    while (headerEnd < 0 || buf.size() < headerEnd + contentLength) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      buf.write(b);
      if (headerEnd < 0) {
        String sofar = buf.toString(StandardCharsets.ISO_8859_1);
        if (sofar.endsWith("\r\n\r\n")) {
          headerEnd = buf.size();
          for (String line : sofar.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
              contentLength = Integer.parseInt(line.substring(15).strip());
            }
          }
          if (contentLength < 0) {
            contentLength = 0;
          }
        }
      }
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
