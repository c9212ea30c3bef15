package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.testsupport.NodePeers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bridging: {@code aegis-proxy --listen … -- server-everything stdio} exposes the stdio server over
 * Streamable HTTP, one child per MCP session, the proxy issuing the session ids. The MCP Java SDK
 * client over HTTP sees the policy applied and progress streamed; DELETE stops the child and seals
 * the termination.
 */
class HttpBridgeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void sdkClientOverHttpToAStdioServer() throws Exception {
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
                "--"));
    args.addAll(NodePeers.everythingServer());
    try (ProxyProcess proxy = ProxyProcess.start("aegis-proxy", args)) {
      HttpPeers.awaitPort(port, proxy.process);
      SdkHttpScenario.run("http://127.0.0.1:" + port);

      RawMcpHttp stranger = new RawMcpHttp(port);
      stranger.initialize(); // a second session: its own child
      assertThat(stranger.sessionId()).hasSize(32);
      String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
      HttpResponse<String> r = new RawMcpHttp(port).session("0".repeat(32)).post(ping);
      assertThat(r.statusCode()).as("a session id the proxy never issued").isEqualTo(404);
      assertThat(new RawMcpHttp(port).session(stranger.sessionId()).post(ping).statusCode())
          .isEqualTo(200);

      proxy.process.destroy();
      assertThat(proxy.waitFor(30)).as(proxy.stderr()).isZero();
    }
    String url = "sqlite:" + dir.resolve("chain.db");
    List<Chains.Event> events = null;
    try (var store =
        dev.aegis.store.ChainStores.open(url, dev.aegis.core.chain.Durability.NORMAL)) {
      for (var s : store.sessions("default")) {
        List<Chains.Event> e = Chains.read(url, "default", s.sessionId());
        if (e.stream().anyMatch(x -> x.type().equals("TOOL_CALL_DENIED"))) {
          events = e;
        }
        assertThat(Chains.verify(url, "default", s.sessionId()).valid()).isTrue();
        assertThat(e.get(e.size() - 1).type()).isEqualTo("TERMINATION");
      }
    }
    assertThat(events).isNotNull();
    Chains.Event last = events.get(events.size() - 1);
    assertThat(last.payload().get("reason").asText()).contains("DELETE");
    assertThat(last.payload().has("exit_code")).isTrue();
    assertThat(events.get(0).payload().get("argv")).isNotNull();
    assertThat(Chains.frames(events, "client_to_server")).hasSizeGreaterThanOrEqualTo(6);
    assertThat(Chains.frames(events, "server_to_client")).hasSizeGreaterThanOrEqualTo(8);
  }
}
