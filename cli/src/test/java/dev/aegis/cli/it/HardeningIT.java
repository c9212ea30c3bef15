package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listeners' protections with real processes and sockets: TLS and mutual TLS on the gateway and
 * on aegisd (certificates made with openssl), Origin and Host checks, and the body and header
 * limits (413, 431), against a fixture upstream that counts what reaches it.
 */
class HardeningIT {
  private static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

  @TempDir Path dir;
  private HttpServer upstream;
  private final AtomicInteger upstreamCalls = new AtomicInteger();
  private final java.util.concurrent.CountDownLatch slowCallArrived =
      new java.util.concurrent.CountDownLatch(1);

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    upstream.createContext("/mcp", this::answerInitialize);
    upstream.createContext("/slow", this::answerSlowly);
    upstream.start();
  }

  @AfterEach
  void stopUpstream() {
    upstream.stop(0);
  }

  @Test
  void theGatewayServesMutualTlsAndRejectsAClientWithoutACertificate() throws Exception {
    TestPki pki = TestPki.create(dir);
    int port = HttpPeers.freePort();
    try (ProxyProcess proxy =
        gateway(
            port,
            "--tls-cert",
            pki.serverCert.toString(),
            "--tls-key",
            pki.serverKey.toString(),
            "--tls-client-ca",
            pki.caCert.toString())) {
      URI mcp = URI.create("https://127.0.0.1:" + port + "/mcp");
      HttpResponse<String> ok = post(client(pki.clientWithCertificate()), mcp, INIT);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"serverInfo\"");
      assertThat(upstreamCalls.get()).isEqualTo(1);

      assertThatThrownBy(() -> post(client(pki.clientWithoutCertificate()), mcp, INIT))
          .isInstanceOf(IOException.class);
      assertThat(upstreamCalls.get()).isEqualTo(1);
      assertThat(proxy.process.isAlive()).isTrue();
      assertThat(proxy.stderr()).contains("listening on https://127.0.0.1:" + port + "/mcp");
    }
  }

  @Test
  void originsHostsAndSizesAreCheckedBeforeAnythingReachesTheUpstream() throws Exception {
    int port = HttpPeers.freePort();
    try (ProxyProcess proxy =
        gateway(
            port,
            "--allowed-origins",
            "https://app.example",
            "--max-body-bytes",
            "2KiB",
            "--max-header-bytes",
            "4KiB")) {
      String evil = post(port, "Origin: https://evil.example\r\n", INIT);
      assertThat(evil).startsWith("HTTP/1.1 403").contains("\"reason\":\"ORIGIN_NOT_ALLOWED\"");
      assertThat(post(port, "Origin: null\r\n", INIT)).startsWith("HTTP/1.1 403");
      assertThat(upstreamCalls.get()).isZero();

      assertThat(post(port, "", INIT)).startsWith("HTTP/1.1 200");
      assertThat(post(port, "Origin: http://localhost:5173\r\n", INIT)).startsWith("HTTP/1.1 200");
      assertThat(post(port, "Origin: https://APP.example\r\n", INIT)).startsWith("HTTP/1.1 200");
      assertThat(upstreamCalls.get()).isEqualTo(3);

      // a rebound DNS name: the listener is on loopback, the Host header names something else
      String rebound =
          raw(port, "GET /mcp HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n\r\n");
      assertThat(rebound).startsWith("HTTP/1.1 403");

      String big = "x".repeat(5000);
      assertThat(post(port, "", big)).startsWith("HTTP/1.1 413");
      // kept alive, the connection is still closed after the 413 (its body is never read)
      assertThat(
              raw(
                  port,
                  "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 5000\r\n\r\n"
                      + big))
          .startsWith("HTTP/1.1 413");
      String longHeader = "X-Filler: " + "y".repeat(6000) + "\r\n";
      assertThat(post(port, longHeader, INIT)).startsWith("HTTP/1.1 431");
      assertThat(upstreamCalls.get()).isEqualTo(3);
      assertThat(proxy.process.isAlive()).isTrue();
    }
  }

  @Test
  void aegisdServesMutualTlsAndCapsBodies() throws Exception {
    TestPki pki = TestPki.create(dir);
    int port = HttpPeers.freePort();
    try (ProxyProcess aegisd =
        ProxyProcess.start(
            "aegisd",
            List.of(
                "--listen",
                "127.0.0.1:" + port,
                "--store",
                "sqlite:" + dir.resolve("api.db"),
                "--manifest",
                HttpPeers.manifest("server-everything.json").toString(),
                "--tls-cert",
                pki.serverCert.toString(),
                "--tls-key",
                pki.serverKey.toString(),
                "--tls-client-ca",
                pki.caCert.toString()))) {
      HttpPeers.awaitPort(port, aegisd.process);
      HttpClient mtls = client(pki.clientWithCertificate());
      URI base = URI.create("https://127.0.0.1:" + port);
      HttpResponse<String> health =
          mtls.send(
              HttpRequest.newBuilder(base.resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"ok\"");

      HttpResponse<String> tooBig = post(mtls, base.resolve("/v1/events"), "x".repeat(2 << 20));
      assertThat(tooBig.statusCode()).isEqualTo(413);
      assertThat(tooBig.body()).contains("PAYLOAD_TOO_LARGE");

      assertThatThrownBy(
              () ->
                  client(pki.clientWithoutCertificate())
                      .send(
                          HttpRequest.newBuilder(base.resolve("/healthz")).build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      assertThat(aegisd.process.isAlive()).isTrue();
    }
  }

  @Test
  void anHttpsUpstreamIsReachedWithTheGivenCaAndRefusedWithoutIt() throws Exception {
    TestPki pki = TestPki.create(dir);
    com.sun.net.httpserver.HttpsServer tlsUpstream =
        com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    tlsUpstream.setHttpsConfigurator(
        new com.sun.net.httpserver.HttpsConfigurator(
            new dev.aegis.transport.http.TlsFiles(pki.serverCert, pki.serverKey, null)
                .serverContext()));
    tlsUpstream.createContext("/mcp", this::answerInitialize);
    tlsUpstream.start();
    String url = "https://127.0.0.1:" + tlsUpstream.getAddress().getPort() + "/mcp";
    try {
      int port = HttpPeers.freePort();
      try (ProxyProcess proxy =
          HttpPeers.proxy(
              dir.resolve("chain.db"),
              port,
              url,
              HttpPeers.manifest("server-everything.json"),
              "--upstream-ca",
              pki.caCert.toString())) {
        assertThat(post(port, "", INIT)).startsWith("HTTP/1.1 200").contains("\"serverInfo\"");
        assertThat(upstreamCalls.get()).isEqualTo(1);
        assertThat(proxy.process.isAlive()).isTrue();
      }
      int untrusting = HttpPeers.freePort();
      try (ProxyProcess proxy =
          HttpPeers.proxy(
              dir.resolve("chain2.db"),
              untrusting,
              url,
              HttpPeers.manifest("server-everything.json"))) {
        // the JDK's trust store does not know the test CA: the call fails closed
        assertThat(post(untrusting, "", INIT))
            .startsWith("HTTP/1.1 200")
            .contains("\"reason\":\"UPSTREAM_CLOSED\"")
            .doesNotContain("\"serverInfo\"");
        assertThat(upstreamCalls.get()).isEqualTo(1);
        assertThat(proxy.process.isAlive()).isTrue();
      }
    } finally {
      tlsUpstream.stop(0);
    }
  }

  @Test
  void sigtermLetsACallInFlightFinishThenSealsTermination() throws Exception {
    int port = HttpPeers.freePort();
    String slow = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/slow";
    ProxyProcess proxy =
        HttpPeers.proxy(
            dir.resolve("chain.db"),
            port,
            slow,
            HttpPeers.manifest("server-everything.json"),
            "--shutdown-grace",
            "60s");
    try (proxy) {
      RawMcpHttp client = new RawMcpHttp(port);
      client.initialize();
      java.util.concurrent.CompletableFuture<HttpResponse<String>> call =
          client.postAsync(
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
                  + "{\"name\":\"echo\",\"arguments\":{\"message\":\"late\"}}}");
      assertThat(slowCallArrived.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      proxy.process.destroy(); // SIGTERM while the call is at the upstream
      HttpResponse<String> answer = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(RawMcpHttp.answer(answer).at("/result/content/0/text").asText()).isEqualTo("late");
      assertThat(proxy.waitFor(60)).isZero();
    }
    String url = "sqlite:" + dir.resolve("chain.db");
    List<List<String>> chains = new java.util.ArrayList<>();
    try (dev.aegis.core.chain.ChainStore store =
        dev.aegis.store.ChainStores.open(url, dev.aegis.core.chain.Durability.NORMAL)) {
      for (dev.aegis.core.chain.SessionSummary s : store.sessions("default")) {
        chains.add(Chains.read(url, "default", s.sessionId()).stream().map(e -> e.type()).toList());
      }
    }
    // every session was terminated, and the call's result was sealed before its termination
    assertThat(chains).isNotEmpty().allSatisfy(t -> assertThat(t).endsWith("TERMINATION"));
    assertThat(chains).anySatisfy(t -> assertThat(t).contains("TOOL_RESULT"));
  }

  /** aegis-proxy --listen on {@code port} in front of the fixture upstream. */
  private ProxyProcess gateway(int port, String... flags) throws Exception {
    return HttpPeers.proxy(
        dir.resolve("chain.db"),
        port,
        "http://127.0.0.1:" + upstream.getAddress().getPort() + "/mcp",
        HttpPeers.manifest("server-everything.json"),
        flags);
  }

  private void answerInitialize(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getRequestBody().readAllBytes();
      upstreamCalls.incrementAndGet();
      byte[] body =
          ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-06-18\","
                  + "\"capabilities\":{},\"serverInfo\":{\"name\":\"fixture\",\"version\":\"1\"}}}")
              .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** An upstream that answers initialize at once and a tools/call only after a pause. */
  private void answerSlowly(HttpExchange ex) throws IOException {
    try (ex) {
      com.fasterxml.jackson.databind.JsonNode msg =
          dev.aegis.core.json.Json.parse(ex.getRequestBody().readAllBytes());
      if (!msg.has("id") || !msg.has("method")) {
        ex.sendResponseHeaders(202, -1);
        return;
      }
      String result;
      if (msg.get("method").asText().equals("tools/call")) {
        slowCallArrived.countDown();
        try {
          Thread.sleep(1500); // long enough for SIGTERM to arrive while the call is here
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        result =
            "{\"content\":[{\"type\":\"text\",\"text\":"
                + msg.at("/params/arguments/message")
                + "}],\"isError\":false}";
      } else {
        result =
            "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                + "\"serverInfo\":{\"name\":\"slow\",\"version\":\"1\"}}";
      }
      byte[] body =
          ("{\"jsonrpc\":\"2.0\",\"id\":" + msg.get("id") + ",\"result\":" + result + "}")
              .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder()
        .sslContext(ssl)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  private static HttpResponse<String> post(HttpClient client, URI uri, String body)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A POST over a raw socket with {@code Connection: close}; the whole response. */
  private static String post(int port, String extraHeaders, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return raw(
        port,
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
            + "\r\nConnection: close\r\nContent-Length: "
            + b.length
            + "\r\n"
            + extraHeaders
            + "\r\n"
            + body);
  }

  /** Sends the request and reads until the server closes the connection. */
  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
