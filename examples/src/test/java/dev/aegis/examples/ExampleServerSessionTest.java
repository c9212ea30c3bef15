package dev.aegis.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.examples.ScriptedSession.Script;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ExampleServerSessionTest {

  @Test
  void scriptedSessionIsRepeatableAndCoversEveryRoundTrip() throws Exception {
    Transcript first = ScriptedSession.run(Script.EXAMPLE, ExampleServer.javaCommand(), Map.of());
    Transcript second = ScriptedSession.run(Script.EXAMPLE, ExampleServer.javaCommand(), Map.of());

    assertThat(second).isEqualTo(first);
    assertThat(second.toJson()).isEqualTo(first.toJson());
    assertThat(first.result("initialize")).contains("\"name\":\"aegis-example\"");
    assertThat(first.result("tools/list"))
        .contains("\"name\":\"echo\"", "\"name\":\"delete_note\"", "\"destructiveHint\":true");
    assertThat(first.result("echo")).contains("\"text\":\"hello through aegis\"");
    assertThat(first.result("add")).contains("\"structuredContent\":{\"sum\":5}");
    assertThat(first.result("count_slowly")).contains("counted to 5");
    assertThat(parse(first.result("count_slowly progress"))).hasSize(5);
    assertThat(first.result("confirm_action"))
        .contains("delete the demo note -> ", "\\\"action\\\":\\\"accept\\\"");
    assertThat(first.result("ask_model")).contains(ScriptedClient.MODEL_TEXT);
    assertThat(parse(first.result("concurrent"))).hasSize(ExampleScript.BATCH);
    assertThat(parse(first.result("concurrent progress 8"))).hasSize(3);
    assertThat(first.result("server requests"))
        .contains("Confirm action: delete the demo note", "What does Aegis do?", "concurrent 7");
  }

  @Test
  void serverWritesOnlyFramesToStdoutAndExitsZeroAtEndOfInput() throws Exception {
    Process server = new ProcessBuilder(ExampleServer.javaCommand()).start();
    try (var stdout =
        new BufferedReader(
            new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      OutputStream stdin = server.getOutputStream();
      stdin.write(
          ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                  + "\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
                  + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n")
              .getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      assertThat(stdout.readLine()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":");
      stdin.close(); // end of input: the server must stop on its own, with status 0
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isZero();
      assertThat(stdout.readLine()).isNull();
    } finally {
      server.destroyForcibly();
    }
  }

  static List<?> parse(String json) throws Exception {
    return McpJsonDefaults.getMapper().readValue(json, List.class);
  }
}
