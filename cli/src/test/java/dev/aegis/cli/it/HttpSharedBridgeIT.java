package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.store.ChainStores;
import dev.aegis.testsupport.NodePeers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegis-proxy --listen … --shared-upstream -- server-everything stdio}: one server process
 * for every MCP session. The SDK scenario runs as one session (and its DELETE leaves the server
 * running); two more sessions then send requests with the same ids and progress tokens at once, and
 * each gets its own answers and progress; every session has its own verifying chain.
 */
class HttpSharedBridgeIT {
  @TempDir Path dir;

  @Test
  void sessionsShareOneServerWithoutMixingTheirIds() throws Exception {
    int port = HttpPeers.freePort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                "sqlite:" + dir.resolve("chain.db"),
                "--manifest",
                HttpPeers.manifest("server-everything.json").toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--shared-upstream",
                "--"));
    args.addAll(NodePeers.everythingServer());
    try (ProxyProcess proxy = ProxyProcess.start("aegis-proxy", args)) {
      HttpPeers.awaitPort(port, proxy.process);
      SdkHttpScenario.run("http://127.0.0.1:" + port);
      long servers = proxy.process.descendants().count();
      assertThat(servers).as("the shared server outlives the scenario's session").isPositive();

      RawMcpHttp a = new RawMcpHttp(port);
      RawMcpHttp b = new RawMcpHttp(port);
      JsonNode initA = a.initialize();
      JsonNode initB = b.initialize();
      assertThat(initB.path("result")).isEqualTo(initA.path("result"));
      assertThat(a.sessionId()).isNotEqualTo(b.sessionId());
      assertThat(proxy.process.descendants().count())
          .as("no server per session")
          .isEqualTo(servers);

      CompletableFuture<HttpResponse<String>> echoA = a.postAsync(echo("from-a"));
      CompletableFuture<HttpResponse<String>> echoB = b.postAsync(echo("from-b"));
      assertThat(RawMcpHttp.answer(echoA.get()).at("/result/content/0/text").asText())
          .contains("from-a");
      assertThat(RawMcpHttp.answer(echoB.get()).at("/result/content/0/text").asText())
          .contains("from-b");

      CompletableFuture<HttpResponse<String>> longA = a.postAsync(longRunning());
      CompletableFuture<HttpResponse<String>> longB = b.postAsync(longRunning());
      for (HttpResponse<String> r : List.of(longA.get(), longB.get())) {
        List<JsonNode> frames = RawMcpHttp.frames(r);
        assertThat(
                frames.stream()
                    .filter(f -> f.path("method").asText().equals("notifications/progress")))
            .as("its own progress only, with its own token")
            .hasSize(2)
            .allSatisfy(f -> assertThat(f.at("/params/progressToken").asText()).isEqualTo("t"));
        assertThat(RawMcpHttp.answer(r).path("id").asInt()).isEqualTo(5);
      }

      proxy.process.destroy();
      assertThat(proxy.waitFor(30)).as(proxy.stderr()).isZero();
      assertThat(proxy.stderr()).doesNotContain("Exception");
    }
    String url = "sqlite:" + dir.resolve("chain.db");
    List<SessionSummary> sessions;
    try (ChainStore store = ChainStores.open(url, Durability.NORMAL)) {
      sessions = store.sessions("default");
    }
    assertThat(sessions).hasSize(3);
    for (SessionSummary s : sessions) {
      List<Chains.Event> events = Chains.read(url, "default", s.sessionId());
      assertThat(events.get(0).payload().path("shared_upstream").asBoolean()).isTrue();
      assertThat(events.get(events.size() - 1).type()).isEqualTo("TERMINATION");
      assertThat(Chains.verify(url, "default", s.sessionId()).valid()).isTrue();
    }
  }

  private static String echo(String message) {
    return "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
        + "\"arguments\":{\"message\":\""
        + message
        + "\"}}}";
  }

  private static String longRunning() {
    return "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"trigger-long-running-operation\",\"arguments\":{\"duration\":0.4,\"steps\":2},"
        + "\"_meta\":{\"progressToken\":\"t\"}}}";
  }
}
