package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.testsupport.ScriptedPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 1 and 6: exact bytes both ways, nothing else on stdout, one sealed event per frame. */
class StdioTransparencyIT {
  static final List<String> CLIENT_LINES =
      List.of(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"a\":1},\"_meta\":{\"progressToken\":\"p1\"}},\"unknownTop\":{\"z\":[1,2,3]}}",
          "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"ping\"}",
          "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}",
          "{ \"method\" : \"ping\" , \"id\" : 9007199254740993 , \"jsonrpc\" : \"2.0\" }",
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"text\":\"caf\\u00e9 é 😀 \\\"q\\\" \\\\ \\n \u2028 </script> \\ud83d\\ude00\"}}",
          "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"result\":{\"content\":[],\"_meta\":{\"k\":1.50}}}");
  static final List<String> SERVER_LINES =
      List.of(
          "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"sampling/createMessage\",\"params\":{\"messages\":[],\"maxTokens\":5}}",
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"_meta\":{\"x\":1},\"weird\":[1.0e10,-0.0,1E400]}}",
          "{\"id\":\"1\",\"result\":{},\"jsonrpc\":\"2.0\"}",
          "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"result\":{}}",
          "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"result\":{\"big\":9007199254740993}}",
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"p1\",\"progress\":1,\"message\":\"ünï \\u0000 \\t\"}}");

  @TempDir Path dir;

  @Test
  void bytesArriveIdenticalBothWaysAndEveryFrameIsSealed() throws Exception {
    Path emit = dir.resolve("emit.jsonl");
    Path recorded = dir.resolve("recorded.jsonl");
    Files.writeString(emit, String.join("\n", SERVER_LINES) + "\n", StandardCharsets.UTF_8);
    String store = "sqlite:" + dir.resolve("chain.db");
    Path manifest = dir.resolve("m.json");
    Files.writeString(
        manifest,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\","
            + "\"version\":\"1.0.0\",\"publisher\":\"t\",\"permissions\":{\"tools\":[\"x\"]}}");
    List<String> args =
        new ArrayList<>(
            List.of("--store", store, "--session", "t1", "--manifest", manifest.toString(), "--"));
    args.addAll(
        ProxyProcess.javaMain(
            ScriptedPeer.class,
            "--emit",
            emit.toString(),
            "--emit-after-lines",
            String.valueOf(CLIENT_LINES.size()),
            "--out",
            recorded.toString()));
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      for (String line : CLIENT_LINES) {
        p.send(line);
      }
      p.awaitLines(SERVER_LINES.size(), 30);
      p.closeStdin();
      assertThat(p.waitFor(30)).as(p.stderr()).isZero();
      assertThat(p.stdoutBytes())
          .as("proxy stdout equals what the server wrote")
          .isEqualTo(Files.readAllBytes(emit));
      assertThat(Files.readAllBytes(recorded))
          .as("server stdin equals what the client wrote")
          .isEqualTo((String.join("\n", CLIENT_LINES) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    List<Chains.Event> events = Chains.read(store, "default", "t1");
    assertThat(events.get(0).type()).isEqualTo("SESSION_STARTED");
    assertThat(events.get(events.size() - 1).type()).isEqualTo("TERMINATION");
    assertThat(events.get(events.size() - 1).field("exit_code")).isEqualTo("0");
    List<Chains.Event> c2s = Chains.frames(events, "client_to_server");
    List<Chains.Event> s2c = Chains.frames(events, "server_to_client");
    assertThat(c2s).hasSize(CLIENT_LINES.size());
    assertThat(s2c).hasSize(SERVER_LINES.size());
    assertThat(c2s.stream().map(e -> new String(e.record().body(), StandardCharsets.UTF_8)))
        .containsExactlyElementsOf(CLIENT_LINES);
    assertThat(s2c.stream().map(e -> new String(e.record().body(), StandardCharsets.UTF_8)))
        .containsExactlyElementsOf(SERVER_LINES);
    assertThat(c2s.get(1).field("id")).isEqualTo("\"1\"");
    assertThat(c2s.get(0).field("id")).isEqualTo("1");
    assertThat(c2s.get(2).field("id")).isEqualTo("123456789012345678901234567890");
    assertThat(Chains.verify(store, "default", "t1").valid()).isTrue();
  }
}
