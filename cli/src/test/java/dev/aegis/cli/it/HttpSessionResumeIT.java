package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import dev.aegis.testsupport.Mcp2026Fixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP gateway across a restart, with server-everything (streamableHttp) staying up: the second
 * proxy continues the MCP session's chain (one chain, resumed, verifying with its signed
 * checkpoints) and its budget; the control API beside the gateway lists the live session and
 * exports the sealing queue, commit latency and session gauge; an oversized body gets 413 unread.
 */
class HttpSessionResumeIT {
  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRestartedGatewayContinuesTheSessionsChainAndBudget() throws Exception {
    Path manifest = dir.resolve("m.json");
    Files.writeString(
        manifest,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"resume-it\",\"version\":\"1.0.0\","
            + "\"publisher\":\"aegis\",\"permissions\":{\"tools\":[\"echo\"],"
            + "\"budgets\":{\"max_tool_calls\":3}}}");
    McpLines.Ctl keygen =
        McpLines.ctl("manifest", "keygen", "--out", dir.resolve("ckpt").toString());
    assertThat(keygen.code()).as(keygen.err()).isZero();
    String store = "sqlite:" + dir.resolve("chain.db");
    int upstreamPort = HttpPeers.freePort();
    int port = HttpPeers.freePort();
    String[] extra = {
      "--checkpoint-every", "5",
      "--checkpoint-key", dir.resolve("ckpt.key").toString(),
      "--admin-listen", "127.0.0.1:0"
    };
    String upstream = "http://127.0.0.1:" + upstreamPort + "/mcp";
    Process everything = HttpPeers.everything(upstreamPort, dir.resolve("upstream.log"));
    try {
      RawMcpHttp client = new RawMcpHttp(port);
      try (ProxyProcess first =
          HttpPeers.proxy(dir.resolve("chain.db"), port, upstream, manifest, extra)) {
        client.initialize();
        assertThat(client.sessionId()).isNotNull();
        assertThat(echo(client, 1)).contains("call-1");
        assertThat(echo(client, 2)).contains("call-2");

        String admin = ListenLine.adminUrl(first);
        JsonNode live = Json.parse(get(admin + "/v1/sessions?live=true").getBytes());
        assertThat(live.path("sessions")).hasSize(1);
        assertThat(live.at("/sessions/0/live").asBoolean()).isTrue();
        String metrics = get(admin + "/metrics");
        assertThat(metrics)
            .contains("aegis_sealing_queue")
            .contains("aegis_sessions_open 1.0")
            .contains("aegis_store_commit_seconds_count{result=\"ok\"}")
            .contains("aegis_frames_total{direction=\"client_to_server\"}");

        first.process.destroy(); // SIGTERM: the session's TERMINATION is sealed, resumable
        assertThat(first.waitFor(30)).as(first.stderr()).isZero();
      }
      try (ProxyProcess second =
          HttpPeers.proxy(dir.resolve("chain.db"), port, upstream, manifest, extra)) {
        assertThat(echo(client, 3)).as(second.stderr()).contains("call-3");
        assertThat(echo(client, 4))
            .as("the budget counts the calls before the restart")
            .contains("BUDGET_EXCEEDED");
        second.process.destroy();
        assertThat(second.waitFor(30)).as(second.stderr()).isZero();
        assertThat(second.stderr()).contains("resumed from its chain").doesNotContain("LEAK");
      }
    } finally {
      everything.destroy();
    }

    List<SessionSummary> sessions;
    try (ChainStore s = ChainStores.open(store, Durability.NORMAL)) {
      sessions = s.sessions("default");
    }
    assertThat(sessions).as("one chain across the restart").hasSize(1);
    String session = sessions.get(0).sessionId();
    List<Chains.Event> events = Chains.read(store, "default", session);
    List<Chains.Event> starts =
        events.stream().filter(e -> e.type().equals("SESSION_STARTED")).toList();
    assertThat(starts).hasSize(2);
    assertThat(starts.get(1).payload().path("resumed_by").asText()).isEqualTo("mcp_session_id");
    long resumedAt = starts.get(1).payload().path("resumed_at_seq").asLong();
    Chains.Event before = events.get((int) resumedAt - 1);
    assertThat(before.type()).isEqualTo("TERMINATION");
    assertThat(before.payload().path("resumable").asBoolean()).isTrue();
    assertThat(events.get(events.size() - 1).type()).isEqualTo("TERMINATION");
    assertThat(events).extracting(Chains.Event::type).contains("CHECKPOINT_CREATED");

    McpLines.Ctl verify =
        McpLines.ctl(
            "verify",
            "--store",
            store,
            "--session",
            session,
            "--pubkey",
            dir.resolve("ckpt.pub").toString());
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
  }

  @Test
  void aStatelessSessionKeyContinuesItsSessionAfterTheProxyWasKilled() throws Exception {
    Path manifest = dir.resolve("m.json");
    Files.writeString(
        manifest,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"resume-2026\",\"version\":\"1.0.0\","
            + "\"publisher\":\"aegis\",\"permissions\":{\"tools\":[\"echo\"],"
            + "\"budgets\":{\"max_tool_calls\":1}}}");
    String store = "sqlite:" + dir.resolve("chain.db");
    int port = HttpPeers.freePort();
    String url = "http://127.0.0.1:" + port + "/mcp";
    try (Mcp2026Fixture upstream = Mcp2026Fixture.start()) {
      try (ProxyProcess first =
          HttpPeers.proxy(dir.resolve("chain.db"), port, upstream.url(), manifest)) {
        assertThat(post2026(url, 1).body()).contains("Echo: call-1");
        first.process.destroyForcibly(); // SIGKILL: no TERMINATION, the chain just stops
        first.waitFor(30);
      }
      try (ProxyProcess second =
          HttpPeers.proxy(dir.resolve("chain.db"), port, upstream.url(), manifest)) {
        assertThat(post2026(url, 2).body())
            .as("the call before the restart spent the budget")
            .contains("BUDGET_EXCEEDED");
        second.process.destroy();
        assertThat(second.waitFor(30)).as(second.stderr()).isZero();
      }
    }
    String session = onlySession(store);
    List<Chains.Event> starts = Chains.ofType(store, session, "SESSION_STARTED");
    assertThat(starts).hasSize(2);
    assertThat(starts.get(1).field("resumed_by")).isEqualTo("session_key");
    assertThat(Chains.verify(store, "default", session).valid()).isTrue();
  }

  @Test
  void aDeletedSessionIsNotContinued() throws Exception {
    String store = "sqlite:" + dir.resolve("chain.db");
    try (HttpPeers.Gateway gw =
        HttpPeers.gateway(dir, HttpPeers.manifest("server-everything.json"))) {
      RawMcpHttp client = new RawMcpHttp(gw.port());
      client.initialize();
      assertThat(echo(client, 1)).contains("call-1");
      HttpResponse<String> deleted =
          http.send(
              HttpRequest.newBuilder(URI.create(gw.url() + "/mcp"))
                  .header("Mcp-Session-Id", client.sessionId())
                  .header("MCP-Protocol-Version", "2025-06-18")
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(deleted.statusCode()).isEqualTo(200);
      String first = onlySession(store);
      Chains.readFinished(store, "default", first);
      HttpResponse<String> again =
          client.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{}}");
      assertThat(again.statusCode()).as("the upstream forgot the session too").isBetween(400, 404);
      List<Chains.Event> events = Chains.read(store, "default", first);
      assertThat(events).filteredOn(e -> e.type().equals("SESSION_STARTED")).hasSize(1);
      Chains.Event last = events.get(events.size() - 1);
      assertThat(last.type()).isEqualTo("TERMINATION");
      assertThat(last.payload().has("resumable")).isFalse();
      try (ChainStore s = ChainStores.open(store, Durability.NORMAL)) {
        assertThat(s.sessions("default")).as("a new session for the id").hasSize(2);
      }
    }
  }

  @Test
  void aBodyOverTheLimitIs413BeforeItIsRead() throws Exception {
    int port = HttpPeers.freePort();
    int deadPort = HttpPeers.freePort();
    try (ProxyProcess proxy =
            HttpPeers.proxy(
                dir.resolve("chain.db"),
                port,
                "http://127.0.0.1:" + deadPort + "/mcp",
                HttpPeers.manifest("server-everything.json"));
        Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nContent-Type: application/json"
                  + "\r\nAccept: application/json, text/event-stream\r\nContent-Length: 52428800"
                  + "\r\n\r\n{\"jsonrpc\":")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // until closed
      assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
      assertThat(proxy.process.isAlive()).isTrue();
    }
  }

  private static String echo(RawMcpHttp client, int i) throws Exception {
    HttpResponse<String> r =
        client.post(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + (10 + i)
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
                + "{\"message\":\"call-"
                + i
                + "\"}}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return RawMcpHttp.answer(r).toString();
  }

  private HttpResponse<String> post2026(String url, int i) throws Exception {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + i
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
            + "{\"message\":\"call-"
            + i
            + "\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"it\",\"version\":\"1\"},"
            + "\"io.aegis/session\":\"resume-it\"}}}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "echo")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r;
  }

  private static String onlySession(String url) {
    try (ChainStore s = ChainStores.open(url, Durability.NORMAL)) {
      List<SessionSummary> all = s.sessions("default");
      assertThat(all).hasSize(1);
      return all.get(0).sessionId();
    }
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
