package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.store.ChainStores;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/aegis-proxy in Streamable HTTP mode between the MCP Java SDK client
 * (HttpClientStreamableHttpTransport) and server-everything's streamableHttp transport: the policy
 * applies, progress streams through, and the session's chain holds both directions and verifies.
 */
class HttpProxyIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void sdkClientThroughTheProxyToServerEverything() throws Exception {
    Path store = dir.resolve("chain.db");
    try (HttpPeers.Gateway gw =
        HttpPeers.gateway(dir, HttpPeers.manifest("server-everything.json"))) {
      ProxyProcess proxy = gw.proxy();
      SdkHttpScenario.run(gw.url());
      proxy.process.destroy(); // SIGTERM: every session's termination is sealed
      assertThat(proxy.waitFor(30)).as(proxy.stderr()).isEqualTo(0);
      assertThat(proxy.stderr()).doesNotContain("Exception").doesNotContain("LEAK");
    }

    String url = "sqlite:" + store;
    String session = busiestSession(url);
    List<Chains.Event> events = Chains.read(url, "default", session);
    assertThat(events.get(0).type()).isEqualTo("SESSION_STARTED");
    assertThat(events.get(0).payload().get("transport").asText()).isEqualTo("http");
    Chains.Event last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo("TERMINATION");
    assertThat(last.payload().get("mcp_session_id_sha256").asText()).hasSize(64);
    List<Chains.Event> c2s = Chains.frames(events, "client_to_server");
    List<Chains.Event> s2c = Chains.frames(events, "server_to_client");
    assertThat(c2s).hasSizeGreaterThanOrEqualTo(6); // initialize, initialized, list, 3 calls
    assertThat(s2c).hasSizeGreaterThanOrEqualTo(8); // answers, the denial, 3 progress events
    assertThat(last.payload().get("frames_client_to_server").asLong()).isEqualTo(c2s.size());
    assertThat(last.payload().get("frames_server_to_client").asLong()).isEqualTo(s2c.size());
    assertThat(events).extracting(Chains.Event::type).contains("TOOL_CALL_DENIED", "TOOL_RESULT");
    assertThat(Chains.verify(url, "default", session).valid()).isTrue();
  }

  @Test
  void anUnreachableUpstreamIsAJsonRpcErrorAndTheProxyStaysUp() throws Exception {
    int deadPort = HttpPeers.freePort();
    int proxyPort = HttpPeers.freePort();
    try (ProxyProcess proxy =
        HttpPeers.proxy(
            dir.resolve("chain.db"),
            proxyPort,
            "http://127.0.0.1:" + deadPort + "/mcp",
            HttpPeers.manifest("server-everything.json"))) {
      RawMcpHttp client = new RawMcpHttp(proxyPort);
      for (int i = 1; i <= 2; i++) {
        HttpResponse<String> r =
            client.post(
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + i
                    + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\","
                    + "\"version\":\"1\"}}}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = RawMcpHttp.answer(r);
        assertThat(answer.get("id").asInt()).isEqualTo(i);
        assertThat(answer.at("/error/data/reason").asText()).isEqualTo("UPSTREAM_CLOSED");
        assertThat(answer.at("/error/data/source").asText()).isEqualTo("aegis");
      }
      assertThat(proxy.process.isAlive()).isTrue();
    }
  }

  @Test
  void eventsKeepTheirLinesAndLastEventIdResumesThroughTheProxy() throws Exception {
    try (HttpPeers.Gateway gw =
        HttpPeers.gateway(dir, HttpPeers.manifest("server-everything.json"))) {
      RawMcpHttp client = new RawMcpHttp(gw.port());
      client.initialize();
      HttpResponse<String> call =
          client.post(
              "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
                  + "\"trigger-long-running-operation\",\"arguments\":{\"duration\":0.2,"
                  + "\"steps\":2},\"_meta\":{\"progressToken\":\"r\"}}}");
      assertThat(call.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      // every event as the server wrote it: its event and id lines, then one data line
      List<String> lines = call.body().lines().filter(l -> !l.isEmpty()).toList();
      List<String> ids =
          lines.stream().filter(l -> l.startsWith("id: ")).map(l -> l.substring(4)).toList();
      assertThat(ids).hasSize(3);
      assertThat(lines.stream().filter(l -> l.equals("event: message"))).hasSize(3);
      assertThat(RawMcpHttp.answer(call).at("/result/content/0/text").asText())
          .contains("Long running operation completed");

      // resume after the first event: the server replays the rest through the proxy
      HttpResponse<java.util.stream.Stream<String>> resumed = client.get(ids.get(0));
      assertThat(resumed.statusCode()).isEqualTo(200);
      List<String> replayedIds = new java.util.ArrayList<>();
      try (java.util.stream.Stream<String> body = resumed.body()) {
        java.util.Iterator<String> it = body.iterator();
        while (replayedIds.size() < 2 && it.hasNext()) {
          String line = it.next();
          if (line.startsWith("id: ")) {
            replayedIds.add(line.substring(4));
          }
        }
      }
      assertThat(replayedIds).containsExactly(ids.get(1), ids.get(2));
      assertThat(gw.proxy().process.isAlive()).isTrue();
    }
  }

  private static String busiestSession(String url) {
    try (ChainStore s = ChainStores.open(url, Durability.NORMAL)) {
      return s.sessions("default").stream()
          .max(java.util.Comparator.comparingLong(SessionSummary::events))
          .orElseThrow()
          .sessionId();
    }
  }
}
