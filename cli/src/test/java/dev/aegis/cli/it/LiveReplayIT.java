package dev.aegis.cli.it;

import static dev.aegis.cli.it.McpLines.answer;
import static dev.aegis.cli.it.McpLines.call;
import static dev.aegis.cli.it.McpLines.ctl;
import static dev.aegis.cli.it.McpLines.handshakeAndList;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.testsupport.NodePeers;
import dev.aegis.testsupport.ScriptedPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegisctl replay --mode live} on sessions recorded through bin/aegis-proxy: against the
 * same server (stdio, and server-everything's Streamable HTTP transport) the answers are identical
 * once the environment-dependent get-env text is ignored; a server started with another
 * environment, or a different server altogether, shows the differences at their JSON pointers; a
 * call the recording denied is never re-issued, nor one to a destructive tool without
 * --allow-destructive; a server that cannot start is an error.
 */
class LiveReplayIT {
  private static final String IGNORE_ENV = "get-env:/content/*/text";

  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  private Path manifest(String tools) throws Exception {
    return McpLines.manifest(dir.resolve("m.json"), "{\"tools\":" + tools + "}");
  }

  private static List<String> everything(String run) {
    List<String> cmd = new ArrayList<>(List.of("env", "AEGIS_LIVE_RUN=" + run));
    cmd.addAll(NodePeers.everythingServer());
    return cmd;
  }

  private McpLines.Ctl live(String session, List<String> flags, List<String> server)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("replay", "--store", store(), "--session", session, "--mode", "live"));
    args.addAll(flags);
    if (!server.isEmpty()) {
      args.add("--");
      args.addAll(server);
    }
    return ctl(args);
  }

  /** The seq of each tool's (first) request frame. */
  private Map<String, Long> callSeqs(String session) {
    Map<String, Long> out = new HashMap<>();
    Chains.ofType(store(), session, "TOOL_CALL_PROPOSED")
        .forEach(
            e ->
                out.putIfAbsent(
                    e.payload().path("tool_name").asText(),
                    e.payload().path("frame_seq").asLong()));
    return out;
  }

  private static List<String> diffs(JsonNode report) {
    List<String> out = new ArrayList<>();
    report
        .path("diffs")
        .forEach(d -> out.add(d.path("seq").asLong() + " " + d.path("field").asText()));
    return out;
  }

  /** Records echo, get-sum, get-env, a denied rm and echo again through the proxy. */
  private void recordEverything(String session) throws Exception {
    Path m = manifest("[\"echo\",\"get-sum\",\"get-env\"]");
    List<String> args =
        new ArrayList<>(
            List.of("--store", store(), "--session", session, "--manifest", m.toString(), "--"));
    args.addAll(everything("recorded"));
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      handshakeAndList(p);
      p.send(call(2, "echo", "{\"message\":\"a\"}"));
      answer(p, 2);
      p.send(call(3, "get-sum", "{\"a\":1,\"b\":2}"));
      answer(p, 3);
      p.send(call(4, "get-env", "{}"));
      assertThat(answer(p, 4).at("/result/content/0/text").asText()).contains("recorded");
      p.send(call(5, "rm", "{\"path\":\"/\"}"));
      answer(p, 5);
      p.send(call(6, "echo", "{\"message\":\"b\"}"));
      answer(p, 6);
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
  }

  @Test
  void theSameServerIsIdenticalAndAChangedOneShowsEachDifferenceAtItsPointer() throws Exception {
    recordEverything("rec");
    Map<String, Long> seqs = callSeqs("rec");

    McpLines.Ctl same =
        live("rec", List.of("--ignore", IGNORE_ENV, "--json"), everything("recorded"));
    assertThat(same.code()).as(same.out() + same.err()).isZero();
    JsonNode report = same.json();
    assertThat(report.path("mode").asText()).isEqualTo("live");
    assertThat(report.path("identical").asBoolean()).isTrue();
    assertThat(report.path("diffs")).isEmpty();
    assertThat(report.path("steps_replayed").asLong())
        .as("echo, get-sum, get-env, echo")
        .isEqualTo(4);
    assertThat(report.path("notes").toString())
        .contains("seq " + seqs.get("rm") + " rm: not re-issued")
        .contains("PERMISSION_UNDECLARED");

    McpLines.Ctl otherEnv = live("rec", List.of("--json"), everything("replayed"));
    assertThat(otherEnv.code()).as(otherEnv.out() + otherEnv.err()).isEqualTo(1);
    assertThat(diffs(otherEnv.json()))
        .as("only get-env's text differs")
        .containsExactly(seqs.get("get-env") + " /content/0/text");
    JsonNode d = otherEnv.json().at("/diffs/0");
    assertThat(d.path("recorded").asText()).contains("\"AEGIS_LIVE_RUN\": \"recorded\"");
    assertThat(d.path("replayed").asText()).contains("\"AEGIS_LIVE_RUN\": \"replayed\"");

    McpLines.Ctl ignored = live("rec", List.of("--ignore", IGNORE_ENV), everything("replayed"));
    assertThat(ignored.code()).as("the ignored pointer is all that differs").isZero();
    assertThat(ignored.out()).contains("session rec: 4 frames replayed, identical");

    McpLines.Ctl scoped =
        live("rec", List.of("--ignore", "echo:/content/*/text"), everything("replayed"));
    assertThat(scoped.code()).as("a pattern scoped to echo leaves get-env compared").isEqualTo(1);

    McpLines.Ctl other =
        live(
            "rec",
            List.of("--json", "--ignore", IGNORE_ENV),
            ProxyProcess.javaMain(ScriptedPeer.class, "--reply"));
    assertThat(other.code()).as(other.out() + other.err()).isEqualTo(1);
    long echo = seqs.get("echo");
    long sum = seqs.get("get-sum");
    assertThat(diffs(other.json()))
        .contains(echo + " /content", echo + " /echo", sum + " /content", sum + " /echo");
    assertThat(other.json().at("/diffs/0/recorded/0/text").asText()).isEqualTo("Echo: a");
    assertThat(other.json().at("/diffs/1/replayed").asText()).isEqualTo("tools/call");

    McpLines.Ctl text =
        live("rec", List.of(), ProxyProcess.javaMain(ScriptedPeer.class, "--reply"));
    assertThat(text.code()).isEqualTo(1);
    assertThat(text.out())
        .contains("seq " + echo + " /content: [{\"type\":\"text\",\"text\":\"Echo: a\"}] → (none)");
  }

  @Test
  void aStreamableHttpServerIsReplayedAgainstToo() throws Exception {
    recordEverything("http");
    int port = HttpPeers.freePort();
    Process upstream = HttpPeers.everything(port, dir.resolve("upstream.log"));
    try {
      McpLines.Ctl r =
          live(
              "http",
              List.of(
                  "--upstream",
                  "http://127.0.0.1:" + port + "/mcp",
                  "--ignore",
                  IGNORE_ENV,
                  "--json"),
              List.of());
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.json().path("steps_replayed").asLong()).isEqualTo(4);
      McpLines.Ctl strict =
          live(
              "http",
              List.of("--upstream", "http://127.0.0.1:" + port + "/mcp", "--json"),
              List.of());
      assertThat(strict.code()).as(strict.out() + strict.err()).isEqualTo(1);
      assertThat(diffs(strict.json()))
          .containsExactly(callSeqs("http").get("get-env") + " /content/0/text");
    } finally {
      upstream.destroy();
    }
  }

  @Test
  void aDestructiveToolRunsOnlyWithTheFlagAndAServerThatCannotStartIsAnError() throws Exception {
    Path lists =
        Files.writeString(
            dir.resolve("lists.txt"),
            "{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"},"
                + "\"annotations\":{\"readOnlyHint\":true}},"
                + "{\"name\":\"wipe\",\"inputSchema\":{\"type\":\"object\"},"
                + "\"annotations\":{\"destructiveHint\":true}}]}\n");
    Path m = manifest("[\"echo\",\"wipe\"]");
    List<String> args =
        new ArrayList<>(
            List.of("--store", store(), "--session", "d", "--manifest", m.toString(), "--"));
    args.addAll(ProxyProcess.javaMain(ScriptedPeer.class, "--list-results", lists.toString()));
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      handshakeAndList(p);
      p.send(call(2, "wipe", "{}"));
      answer(p, 2);
      p.send(call(3, "echo", "{\"message\":\"x\"}"));
      answer(p, 3);
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    }
    long wipe = callSeqs("d").get("wipe");
    List<String> peer = ProxyProcess.javaMain(ScriptedPeer.class, "--reply");

    McpLines.Ctl skipped = live("d", List.of("--json"), peer);
    assertThat(skipped.code()).as(skipped.out() + skipped.err()).isZero();
    assertThat(skipped.json().path("steps_replayed").asLong()).isEqualTo(1);
    assertThat(skipped.json().path("notes").toString())
        .contains("seq " + wipe + " wipe: not re-issued, destructive");

    McpLines.Ctl allowed = live("d", List.of("--json", "--allow-destructive"), peer);
    assertThat(allowed.code()).as(allowed.out() + allowed.err()).isZero();
    assertThat(allowed.json().path("steps_replayed").asLong()).isEqualTo(2);

    McpLines.Ctl broken = live("d", List.of(), List.of(dir.resolve("no-such-server").toString()));
    assertThat(broken.code()).isEqualTo(2);
    assertThat(broken.err()).contains("cannot start");
    McpLines.Ctl both = live("d", List.of("--upstream", "http://127.0.0.1:1/mcp"), peer);
    assertThat(both.code()).as("a command and --upstream").isEqualTo(2);
    McpLines.Ctl notLive = ctl("replay", "--store", store(), "--session", "d", "--", "true");
    assertThat(notLive.code()).as("a server command without --mode live").isEqualTo(2);
    assertThat(notLive.err()).contains("need --mode live");
  }
}
