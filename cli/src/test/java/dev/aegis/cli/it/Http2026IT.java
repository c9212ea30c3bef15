package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import dev.aegis.testsupport.Mcp2026Fixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2026-07-28 requests through the proxy, hand-built with java.net.http: stateless POSTs carrying
 * {@code _meta}, mapped to one Aegis session by {@code io.aegis/session}. The upstream is {@link
 * Mcp2026Fixture}, a small JDK HttpServer speaking the 2026 subset: a fake, used only because real
 * 2026-07-28 peers are scarce (server-everything answers such requests 400 "Server not
 * initialized").
 */
class Http2026IT {
  private static final String V = "2026-07-28";
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void statelessRequestsHeaderChecksMrtrAndDisconnect() throws Exception {
    Path m = manifest("\"echo\",\"slow\",\"guarded\"", "\"guarded\"");
    String store = "sqlite:" + dir.resolve("chain.db");
    try (Mcp2026Fixture upstream = Mcp2026Fixture.start()) {
      int port = HttpPeers.freePort();
      ProxyProcess proxy =
          HttpPeers.proxy(
              dir.resolve("chain.db"),
              port,
              upstream.url(),
              m,
              "--approval-key",
              dir.resolve("approval.key").toString());
      try {
        String url = "http://127.0.0.1:" + port + "/mcp";

        // server/discover is relayed; resultType passes
        HttpResponse<String> discover = post(url, request(1, "server/discover", null), null);
        assertThat(discover.statusCode()).isEqualTo(200);
        JsonNode d = json(discover.body());
        assertThat(d.at("/result/resultType").asText()).isEqualTo("complete");
        assertThat(d.at("/result/supportedVersions/0").asText()).isEqualTo(V);

        HttpResponse<String> list = post(url, request(2, "tools/list", null), null);
        assertThat(json(list.body()).at("/result/tools").size()).as(list.body()).isEqualTo(3);

        // subscriptions/listen: the stream is relayed event by event
        ObjectNode listen = request(13, "subscriptions/listen", null);
        ((ObjectNode) listen.get("params"))
            .putObject("notifications")
            .put("toolsListChanged", true);
        HttpResponse<String> sub = post(url, listen, null);
        assertThat(sub.statusCode()).isEqualTo(200);
        assertThat(sub.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(sub.body())
            .containsSubsequence(
                "id: notifications/subscriptions/acknowledged",
                "\"toolsListChanged\":true",
                "id: notifications/tools/list_changed");

        // an allowed call: relayed with its headers unchanged
        ObjectNode echo = call(3, "echo", "hi");
        HttpResponse<String> allowed =
            post(url, echo, Map.of("Mcp-Name", "echo", "Mcp-Param-Message", "hi"));
        assertThat(json(allowed.body()).at("/result/content/0/text").asText())
            .isEqualTo("Echo: hi");
        Mcp2026Fixture.Received got = last(upstream, "echo");
        assertThat(got.headers())
            .containsEntry("mcp-method", "tools/call")
            .containsEntry("mcp-name", "echo")
            .containsEntry("mcp-param-message", "hi")
            .containsEntry("mcp-protocol-version", V);

        assertThat(upstream.received())
            .as("requests the proxy sends on its own carry their own Mcp-Method")
            .allSatisfy(
                r -> {
                  if (r.body().has("method")) {
                    assertThat(r.headers().get("mcp-method"))
                        .isEqualTo(r.body().get("method").asText());
                  }
                });

        // a denied call: answered by the proxy, never reaches the server
        HttpResponse<String> denied = post(url, call(4, "wipe", "all"), Map.of("Mcp-Name", "wipe"));
        assertThat(denied.statusCode()).isEqualTo(200);
        assertThat(json(denied.body()).at("/result/structuredContent/aegis/outcome").asText())
            .isEqualTo("deny");

        // header/body mismatch: 400 and -32020, never relayed
        HttpResponse<String> mismatch = post(url, call(5, "echo", "x"), Map.of("Mcp-Name", "wipe"));
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(json(mismatch.body()).at("/error/code").asInt()).isEqualTo(-32020);
        assertThat(json(mismatch.body()).get("id").asInt()).isEqualTo(5);
        HttpResponse<String> param =
            post(url, call(12, "echo", "x"), Map.of("Mcp-Name", "echo", "Mcp-Param-Message", "y"));
        assertThat(param.statusCode()).as("an x-mcp-header value must match").isEqualTo(400);
        assertThat(json(param.body()).at("/error/code").asInt()).isEqualTo(-32020);
        HttpResponse<String> noName = post(url, call(6, "echo", "x"), Map.of());
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(json(noName.body()).at("/error/code").asInt()).isEqualTo(-32020);
        String b64 =
            "=?base64?" + java.util.Base64.getEncoder().encodeToString("echo".getBytes()) + "?=";
        HttpResponse<String> encoded =
            post(url, call(7, "echo", "b64"), Map.of("Mcp-Name", b64, "Mcp-Param-Message", "b64"));
        assertThat(encoded.statusCode()).as(encoded.body()).isEqualTo(200);
        assertThat(upstream.received())
            .noneMatch(r -> r.body().at("/params/name").asText().equals("wipe"))
            .noneMatch(r -> List.of(5, 6, 12).contains(r.body().path("id").asInt()));

        // MRTR: input_required, then an approved retry (new id) forwarded without our state
        ObjectNode guarded = call(8, "guarded", "please");
        ((ObjectNode) guarded.at("/params/_meta"))
            .putObject("io.modelcontextprotocol/clientCapabilities")
            .putObject("elicitation");
        JsonNode asked = json(post(url, guarded, Map.of("Mcp-Name", "guarded")).body());
        assertThat(asked.at("/result/resultType").asText()).isEqualTo("input_required");
        assertThat(asked.at("/result/inputRequests/io.aegis~1approval/method").asText())
            .isEqualTo("elicitation/create");
        String state = asked.at("/result/requestState").asText();
        assertThat(state).startsWith("aegis1.");
        assertThat(upstream.received())
            .noneMatch(r -> r.body().at("/params/name").asText().equals("guarded"));

        ObjectNode retry = guarded.deepCopy();
        retry.put("id", 9);
        ObjectNode p = (ObjectNode) retry.get("params");
        p.put("requestState", state);
        p.putObject("inputResponses")
            .putObject("io.aegis/approval")
            .put("action", "accept")
            .putObject("content")
            .put("decision", "approve");
        JsonNode done = json(post(url, retry, Map.of("Mcp-Name", "guarded")).body());
        assertThat(done.at("/result/content/0/text").asText()).isEqualTo("Echo: please");
        Mcp2026Fixture.Received forwarded = last(upstream, "guarded");
        assertThat(forwarded.body().path("id").asInt()).isEqualTo(9);
        assertThat(forwarded.body().at("/params/requestState").isMissingNode()).isTrue();
        assertThat(forwarded.body().at("/params/inputResponses/io.aegis~1approval").isMissingNode())
            .isTrue();

        // the same state again is not honoured: the user is asked again
        retry.put("id", 10);
        JsonNode replayed = json(post(url, retry, Map.of("Mcp-Name", "guarded")).body());
        assertThat(replayed.at("/result/resultType").asText()).isEqualTo("input_required");

        // the client closes a call's POST mid-stream: the upstream exchange is closed
        ObjectNode slow = call(11, "slow", "zzz");
        ((ObjectNode) slow.at("/params/_meta")).put("progressToken", "slow-1");
        disconnectMidStream(port, slow);
        assertThat(upstream.cancelled().await(30, TimeUnit.SECONDS))
            .as("the fixture saw its stream closed")
            .isTrue();

        proxy.process.destroy();
        assertThat(proxy.waitFor(30)).as(proxy.stderr()).isEqualTo(0);
        assertThat(proxy.stderr()).contains("is keyed by aegis sha256:").doesNotContain("LEAK");
      } finally {
        proxy.close();
      }
    }

    String session = onlySession(store);
    List<Chains.Event> events = Chains.read(store, "default", session);
    assertThat(Chains.verify(store, "default", session).valid()).isTrue();
    assertThat(events).extracting(Chains.Event::type).contains("TOOL_CALL_DENIED");
    assertThat(events.get(events.size() - 1).type()).isEqualTo("TERMINATION");
    assertThat(Chains.ofType(store, session, "APPROVAL_DECIDED"))
        .anySatisfy(e -> assertThat(e.field("channel")).isEqualTo("mrtr"));
    assertThat(Chains.frames(events, "server_to_client"))
        .as("the cancelled call's end is sealed: the proxy's error reply for id 11")
        .anySatisfy(
            e -> {
              assertThat(e.field("id")).isEqualTo("11");
              assertThat(e.field("kind")).isEqualTo("error");
              assertThat(e.field("origin")).isEqualTo("proxy");
            });
    assertThat(Chains.frames(events, "client_to_server"))
        .as("requests refused for a header mismatch never reach the core")
        .noneMatch(e -> "5".equals(e.field("id")) || "6".equals(e.field("id")));
  }

  @Test
  void statelessRequestsAreKeyedByTraceThenCredentialThenConnection() throws Exception {
    Path m = manifest("\"echo\"", "");
    String store = "sqlite:" + dir.resolve("chain.db");
    String secret = "Bearer tok-8f1e2d3c4b5a";
    try (Mcp2026Fixture upstream = Mcp2026Fixture.start()) {
      int port = HttpPeers.freePort();
      ProxyProcess proxy = HttpPeers.proxy(dir.resolve("chain.db"), port, upstream.url(), m);
      try {
        String url = "http://127.0.0.1:" + port + "/mcp";
        String t1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String t2 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        for (String trace : List.of(t1, t1, t2)) {
          ObjectNode r = unkeyed(request(1, "tools/list", null));
          ((ObjectNode) r.at("/params/_meta")).put("traceparent", trace);
          assertThat(post(url, r, Map.of("Authorization", secret)).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) { // no trace: the credential's digest is the key
          ObjectNode r = unkeyed(request(2, "tools/list", null));
          assertThat(post(url, r, Map.of("Authorization", secret)).statusCode()).isEqualTo(200);
        }
        // nothing at all: one session per connection (a fresh client, a fresh connection)
        ObjectNode bare = unkeyed(request(3, "tools/list", null));
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("MCP-Protocol-Version", V)
                        .header("Mcp-Method", "tools/list")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(bare)))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        proxy.process.destroy();
        assertThat(proxy.waitFor(30)).as(proxy.stderr()).isEqualTo(0);
        assertThat(proxy.stderr())
            .contains("is keyed by trace sha256:")
            .contains("is keyed by auth sha256:")
            .contains("is keyed by peer sha256:")
            .doesNotContain("tok-8f1e2d3c4b5a");
      } finally {
        proxy.close();
      }
      assertThat(upstream.received())
          .as("Authorization is forwarded unchanged")
          .filteredOn(x -> x.body().path("id").asInt() < 3)
          .hasSize(5)
          .allSatisfy(x -> assertThat(x.headers()).containsEntry("authorization", secret));
    }
    try (ChainStore s = ChainStores.open(store, Durability.NORMAL)) {
      List<SessionSummary> all = s.sessions("default");
      assertThat(all).as("trace 1, trace 2, the credential, the connection").hasSize(4);
      assertThat(all)
          .extracting(SessionSummary::events)
          .allSatisfy(n -> assertThat(n).isPositive());
      for (SessionSummary one : all) {
        assertThat(Chains.verify(store, "default", one.sessionId()).valid()).isTrue();
      }
      List<Long> frames =
          all.stream()
              .map(
                  x ->
                      Chains.frames(
                          Chains.read(store, "default", x.sessionId()), "client_to_server"))
              .map(f -> (long) f.size())
              .sorted()
              .toList();
      assertThat(frames).containsExactly(1L, 1L, 2L, 2L);
    }
  }

  /** A manifest declaring {@code tools} (JSON strings), {@code approval} under approval. */
  private Path manifest(String tools, String approval) throws Exception {
    return Files.writeString(
        dir.resolve("manifest.json"),
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\",\"version\":\"1.0.0\","
            + "\"publisher\":\"t\",\"permissions\":{\"tools\":["
            + tools
            + "],\"approval_required\":["
            + approval
            + "]}}");
  }

  private static ObjectNode unkeyed(ObjectNode request) {
    ((ObjectNode) request.at("/params/_meta")).remove("io.aegis/session");
    return request;
  }

  /** Writes the POST on a raw socket, reads until the stream's first event, then closes. */
  private static void disconnectMidStream(int port, JsonNode body) throws Exception {
    byte[] b = Json.write(body).getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: "
            + V
            + "\r\nMcp-Method: tools/call\r\nMcp-Name: slow\r\nContent-Length: "
            + b.length
            + "\r\n\r\n";
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder seen = new StringBuilder();
      while (!seen.toString().contains("notifications/progress")) {
        int c = in.read();
        if (c < 0) {
          throw new AssertionError("stream ended early: " + seen);
        }
        seen.append((char) c);
      }
    }
  }

  private static Mcp2026Fixture.Received last(Mcp2026Fixture f, String tool) {
    List<Mcp2026Fixture.Received> r =
        f.received().stream()
            .filter(x -> x.body().at("/params/name").asText().equals(tool))
            .toList();
    assertThat(r).as("the server received a call to " + tool).isNotEmpty();
    return r.get(r.size() - 1);
  }

  private static ObjectNode request(int id, String method, ObjectNode params) {
    ObjectNode r = Json.object().put("jsonrpc", "2.0").put("id", id).put("method", method);
    ObjectNode p = params == null ? Json.object() : params;
    ObjectNode meta = p.putObject("_meta");
    meta.put("io.modelcontextprotocol/protocolVersion", V);
    meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "it").put("version", "1");
    meta.put("io.aegis/session", "it-session");
    r.set("params", p);
    return r;
  }

  private static ObjectNode call(int id, String tool, String message) {
    ObjectNode p = Json.object().put("name", tool);
    p.putObject("arguments").put("message", message);
    return request(id, "tools/call", p);
  }

  private HttpResponse<String> post(String url, JsonNode body, Map<String, String> extra)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", V)
            .header("Mcp-Method", body.path("method").asText())
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (extra != null) {
      extra.forEach(b::header);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String body) throws Exception {
    return Json.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String onlySession(String url) {
    try (ChainStore s = ChainStores.open(url, Durability.NORMAL)) {
      List<SessionSummary> all = s.sessions("default");
      assertThat(all).as("one Aegis session for every keyed request").hasSize(1);
      return all.get(0).sessionId();
    }
  }
}
