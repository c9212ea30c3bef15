package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import dev.aegis.testsupport.ScriptedPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each fault of issue #2 behaves as specified, and stdout never carries anything but frames. */
class StdioFaultsIT {
  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  private ProxyProcess proxy(String session, List<String> proxyFlags, String... peerFlags)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--store", store(), "--session", session));
    args.addAll(proxyFlags);
    args.add("--");
    args.addAll(ProxyProcess.javaMain(ScriptedPeer.class, peerFlags));
    return ProxyProcess.start("aegis-proxy", args);
  }

  private static JsonNode json(String line) throws Exception {
    return Json.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertOnlyFrames(ProxyProcess p) throws Exception {
    for (String line : p.stdout().split("\n")) {
      if (!line.isEmpty()) {
        assertThat(json(line).get("jsonrpc").asText()).isEqualTo("2.0");
      }
    }
  }

  @Test
  void oversizedRequestGetsAnErrorNamingTheLimitAndTheProxyStaysUp() throws Exception {
    try (ProxyProcess p = proxy("big", List.of("--max-frame-bytes", "1KiB"), "--reply")) {
      p.send(
          "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"tools/call\",\"params\":{\"x\":\""
              + "a".repeat(5000)
              + "\"}}");
      JsonNode err = json(p.awaitLines(1, 30).get(0));
      assertThat(err.get("id").asInt()).isEqualTo(77);
      assertThat(err.at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(err.at("/error/message").asText()).contains("1024");
      assertThat(err.at("/error/data/reason").asText()).isEqualTo("FRAME_TOO_LARGE");
      assertThat(err.at("/error/data/source").asText()).isEqualTo("aegis");
      p.send("{\"jsonrpc\":\"2.0\",\"id\":78,\"method\":\"ping\"}");
      assertThat(json(p.awaitLines(2, 30).get(1)).at("/result/echo").asText()).isEqualTo("ping");
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
      assertOnlyFrames(p);
    }
    List<Chains.Event> events = Chains.read(store(), "default", "big");
    Chains.Event oversized = Chains.frames(events, "client_to_server").get(0);
    assertThat(oversized.field("kind")).isEqualTo("oversized");
    assertThat(oversized.payload().get("discarded_len").asLong()).isGreaterThan(5000);
    assertThat(Chains.verify(store(), "default", "big").valid()).isTrue();
  }

  @Test
  void malformedInputIsAnsweredRecordedAndNotForwarded() throws Exception {
    Path recorded = dir.resolve("rec");
    try (ProxyProcess p = proxy("bad", List.of(), "--reply", "--out", recorded.toString())) {
      p.send("{\"jsonrpc\":");
      p.send("{\"id\":9,\"method\":\"ping\"}");
      p.send("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
      p.send("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}");
      List<String> lines = p.awaitLines(4, 30);
      assertThat(json(lines.get(0)).at("/error/code").asInt()).isEqualTo(-32700);
      assertThat(json(lines.get(0)).get("id").isNull()).isTrue();
      assertThat(json(lines.get(1)).at("/error/code").asInt()).isEqualTo(-32600);
      assertThat(json(lines.get(1)).get("id").asInt()).isEqualTo(9);
      assertThat(json(lines.get(2)).at("/error/message").asText()).contains("batch");
      assertThat(json(lines.get(3)).at("/result/echo").asText()).isEqualTo("ping");
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
    assertThat(Files.readString(recorded))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}\n");
    List<Chains.Event> events = Chains.read(store(), "default", "bad");
    assertThat(Chains.frames(events, "client_to_server")).hasSize(4);
    assertThat(Chains.frames(events, "server_to_client"))
        .extracting(e -> e.field("origin"))
        .containsExactly("proxy", "proxy", "proxy", "server");
  }

  @Test
  void childCrashMidRequestAnswersTheWaitingClientAndPropagatesTheExitCode() throws Exception {
    try (ProxyProcess p =
        proxy("crash", List.of(), "--reply", "--exit-after-lines", "2", "--exit-code", "7")) {
      p.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
      assertThat(json(p.awaitLines(1, 30).get(0)).at("/result/echo").asText()).isEqualTo("ping");
      p.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/read\"}");
      JsonNode err = json(p.awaitLines(2, 30).get(1));
      assertThat(err.get("id").asInt()).isEqualTo(2);
      assertThat(err.at("/error/data/reason").asText()).isEqualTo("UPSTREAM_CLOSED");
      assertThat(p.waitFor(30)).isEqualTo(7);
    }
    List<Chains.Event> events = Chains.read(store(), "default", "crash");
    Chains.Event last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo("TERMINATION");
    assertThat(last.field("exit_code")).isEqualTo("7");
  }

  @Test
  void nonJsonOutputOfTheChildNeverReachesStdout() throws Exception {
    Path emit = dir.resolve("emit");
    String note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}";
    Files.writeString(emit, "Server listening on stdio!\n" + note + "\n");
    try (ProxyProcess p = proxy("noise", List.of(), "--emit", emit.toString())) {
      p.awaitLines(1, 30);
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
      assertThat(p.stdout()).isEqualTo(note + "\n");
      assertThat(p.stderr()).contains("Server listening on stdio!");
    }
    List<Chains.Event> s2c =
        Chains.frames(Chains.read(store(), "default", "noise"), "server_to_client");
    assertThat(s2c).extracting(e -> e.field("kind")).containsExactly("malformed", "notification");
  }

  @Test
  void childExitCodeBecomesTheProxyExitCode() throws Exception {
    try (ProxyProcess p = proxy("three", List.of(), "--exit-code", "3")) {
      p.closeStdin();
      assertThat(p.waitFor(30)).isEqualTo(3);
    }
  }

  @Test
  void sigtermShutsTheChildDownInOrderAndSealsTheTermination() throws Exception {
    try (ProxyProcess p = proxy("term", List.of(), "--reply")) {
      p.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
      p.awaitLines(1, 30);
      p.process.toHandle().destroy(); // SIGTERM only; Process.destroy() also closes our stdin
      assertThat(p.waitFor(30)).isZero();
    }
    List<Chains.Event> events = Chains.read(store(), "default", "term");
    Chains.Event last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo("TERMINATION");
    assertThat(last.field("reason")).isEqualTo("signal SIGTERM");
    assertThat(Chains.verify(store(), "default", "term").valid()).isTrue();
  }

  @Test
  void aServerThatIgnoresEofIsTerminated() throws Exception {
    try (ProxyProcess p = proxy("stubborn", List.of("--shutdown-grace", "300ms"), "--ignore-eof")) {
      p.closeStdin();
      assertThat(p.waitFor(30)).isEqualTo(143);
    }
  }

  @Test
  void badFlagsAndMissingCommandsExitWithClearMessages() throws Exception {
    try (ProxyProcess p =
        ProxyProcess.start(
            "aegis-proxy", List.of("--store", store(), "--durability", "maybe", "--", "true"))) {
      assertThat(p.waitFor(30)).isEqualTo(2);
      assertThat(p.stderr()).contains("durability: maybe (expected: full or normal)");
      assertThat(p.stdout()).isEmpty();
    }
    try (ProxyProcess p =
        ProxyProcess.start("aegis-proxy", List.of("--store", "mysql://x", "--", "true"))) {
      assertThat(p.waitFor(30)).isEqualTo(2);
    }
    try (ProxyProcess p =
        ProxyProcess.start(
            "aegis-proxy", List.of("--store", store(), "--", "/nonexistent/mcp-server"))) {
      assertThat(p.waitFor(30)).isEqualTo(127);
      assertThat(p.stderr()).contains("cannot start MCP server /nonexistent/mcp-server");
    }
  }

  @Test
  void aSecondWriterOnTheSameChainMakesTheFirstFailLoudlyInsteadOfForking() throws Exception {
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}";
    try (ProxyProcess a = proxy("shared", List.of(), "--reply")) {
      a.send(String.format(ping, 1));
      a.awaitLines(1, 30);
      try (ProxyProcess b = proxy("shared", List.of(), "--reply")) {
        b.send(String.format(ping, 2));
        b.awaitLines(1, 30);
        a.send(String.format(ping, 3));
        JsonNode refused = json(a.awaitLines(2, 30).get(1));
        assertThat(refused.get("id").asInt()).isEqualTo(3);
        assertThat(refused.at("/error/data/reason").asText())
            .as("A: %s %s%nB: %s %s", a.stdout(), a.stderr(), b.stdout(), b.stderr())
            .isEqualTo("CHAIN_CONFLICT");
        b.closeStdin();
        assertThat(b.waitFor(30)).isZero();
      }
      a.closeStdin();
      a.waitFor(30);
      assertThat(a.stderr()).contains("CHAIN_CONFLICT");
    }
    assertThat(Chains.verify(store(), "default", "shared").valid()).isTrue();
  }
}
