package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.json.Json;
import dev.aegis.examples.ExampleServer;
import dev.aegis.examples.ScriptedSession;
import dev.aegis.examples.Transcript;
import dev.aegis.testsupport.NodePeers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real MCP peers through bin/aegis-proxy: the MCP Java SDK client against the SDK example server
 * and against server-everything. Each conversation (initialize, tools/list, several calls, a
 * progress-reporting tool, sampling and elicitation answered by the client, concurrent calls) must
 * give the same transcript as the direct run, and the chain must hold every frame and verify.
 */
class RealPeersIT {
  @TempDir Path dir;

  private List<String> proxied(String session, String manifest, List<String> server) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ProxyProcess.bin("aegis-proxy").toString(),
                "--store",
                "sqlite:" + dir.resolve("chain.db"),
                "--session",
                session,
                "--manifest",
                ProxyProcess.ROOT.resolve("examples/manifests").resolve(manifest).toString(),
                "--"));
    cmd.addAll(server);
    return cmd;
  }

  private void assertChainComplete(String session) throws InterruptedException {
    String store = "sqlite:" + dir.resolve("chain.db");
    List<Chains.Event> events = Chains.readFinished(store, "default", session);
    assertThat(events).isNotEmpty();
    Chains.Event last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo("TERMINATION");
    long c2s = Chains.frames(events, "client_to_server").size();
    long s2c = Chains.frames(events, "server_to_client").size();
    assertThat(c2s).isGreaterThan(5);
    assertThat(s2c).isGreaterThan(5);
    assertThat(last.payload().get("frames_client_to_server").asLong()).isEqualTo(c2s);
    assertThat(last.payload().get("frames_server_to_client").asLong()).isEqualTo(s2c);
    assertThat(Chains.frames(events, "client_to_server"))
        .extracting(e -> e.field("origin"))
        .containsOnly("client");
    assertThat(events.stream().filter(e -> e.type().equals("TOOL_CALL_DENIED"))).isEmpty();
    assertThat(events.stream().filter(e -> e.type().equals("TOOL_CALL_EXECUTED")).count())
        .isEqualTo(events.stream().filter(e -> e.type().equals("TOOL_RESULT")).count())
        .isGreaterThan(5);
    assertThat(Chains.verify(store, "default", session).valid()).isTrue();
  }

  @Test
  void sdkClientAndExampleServerSeeNoDifference() throws Exception {
    List<String> server = ExampleServer.javaCommand();
    Transcript direct = ScriptedSession.run(ScriptedSession.Script.EXAMPLE, server, Map.of());
    Transcript viaProxy =
        ScriptedSession.run(
            ScriptedSession.Script.EXAMPLE,
            proxied("example", "example-server.json", server),
            Map.of());
    assertThat(viaProxy.toJson()).isEqualTo(direct.toJson());
    assertChainComplete("example");
  }

  @Test
  void sdkClientAndServerEverythingSeeNoDifference() throws Exception {
    List<String> server = NodePeers.everythingServer();
    Transcript direct = ScriptedSession.run(ScriptedSession.Script.EVERYTHING, server, Map.of());
    Transcript viaProxy =
        ScriptedSession.run(
            ScriptedSession.Script.EVERYTHING,
            proxied("everything", "server-everything.json", server),
            Map.of());
    // The manifest declares only the tools the script uses: the proxy filters tools/list to
    // them (and seals both versions); every other step must be identical to the direct run.
    Set<String> declared = HttpPeers.declaredTools("server-everything.json");
    assertThat(viaProxy.steps()).hasSameSizeAs(direct.steps());
    for (int i = 0; i < direct.steps().size(); i++) {
      Transcript.Step d = direct.steps().get(i);
      Transcript.Step v = viaProxy.steps().get(i);
      assertThat(v.name()).isEqualTo(d.name());
      if (d.name().equals("tools/list")) {
        List<String> all = names(d.result());
        assertThat(all).hasSizeGreaterThan(declared.size()).containsAll(declared);
        assertThat(names(v.result())).isEqualTo(all.stream().filter(declared::contains).toList());
      } else {
        assertThat(v.result()).as(d.name()).isEqualTo(d.result());
      }
    }
    assertChainComplete("everything");
  }

  private static List<String> names(String toolsListResult) throws Exception {
    List<String> names = new ArrayList<>();
    Json.parse(toolsListResult.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .path("tools")
        .forEach(t -> names.add(t.path("name").asText()));
    return names;
  }
}
