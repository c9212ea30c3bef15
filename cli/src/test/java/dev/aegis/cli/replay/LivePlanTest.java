package dev.aegis.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a live replay takes from a recording: the calls, their verdicts and destructive tools. */
class LivePlanTest {
  private final List<Recording.Event> events = new ArrayList<>();

  private void add(String type, String payload, String body) {
    long seq = events.size();
    events.add(
        new Recording.Event(
            ExactComparisonTest.event(seq, type, payload),
            body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  private void frame(String direction, String origin, String method, String body) {
    add(
        "MCP_FRAME",
        "{\"direction\":\""
            + direction
            + "\",\"origin\":\""
            + origin
            + "\""
            + (method == null ? "" : ",\"method\":\"" + method + "\"")
            + "}",
        body);
  }

  private void call(int id, String tool, String args) {
    frame(
        "client_to_server",
        "client",
        "tools/call",
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + id
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
            + tool
            + "\",\"arguments\":"
            + args
            + "}}");
  }

  private void decided(String tool, boolean allowed) {
    long frameSeq = events.size() - 1;
    long proposal = events.size();
    add(
        "TOOL_CALL_PROPOSED",
        "{\"frame_seq\":" + frameSeq + ",\"tool_name\":\"" + tool + "\"}",
        null);
    add(
        "POLICY_DECISION",
        "{\"proposal_seq\":"
            + proposal
            + ",\"outcome\":\""
            + (allowed ? "allow" : "deny")
            + "\",\"reason\":\""
            + (allowed ? "OK" : "PERMISSION_UNDECLARED")
            + "\"}",
        null);
    if (allowed) {
      add("TOOL_CALL_ALLOWED", "{\"proposal_seq\":" + proposal + "}", null);
      add("TOOL_CALL_EXECUTED", "{\"proposal_seq\":" + proposal + "}", null);
    } else {
      add(
          "TOOL_CALL_DENIED",
          "{\"proposal_seq\":" + proposal + ",\"reason\":\"PERMISSION_UNDECLARED\"}",
          null);
    }
  }

  private void answer(String direction, String origin, int id, String result) {
    frame(
        direction,
        origin,
        null,
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}");
  }

  @Test
  void callsVerdictsRewritesAndDestructiveToolsAreReadFromTheRecording() {
    add("SESSION_STARTED", "{}", null);
    frame(
        "client_to_server",
        "client",
        "initialize",
        "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}");
    answer("server_to_client", "server", 0, "{}");
    add(
        "TOOL_CATALOG_PINNED",
        "{\"tools\":{\"drop\":{\"annotations\":{\"destructiveHint\":true}},"
            + "\"look\":{\"annotations\":{\"readOnlyHint\":true}},\"bare\":{\"annotations\":{}}}}",
        null);
    frame(
        "client_to_server",
        "client",
        "tools/list",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
    answer(
        "server_to_client",
        "server",
        1,
        "{\"tools\":[{\"name\":\"wipe\",\"annotations\":{\"destructiveHint\":true}},"
            + "{\"name\":\"echo\",\"annotations\":{\"destructiveHint\":false}}]}");
    call(2, "echo", "{\"message\":\"asked\"}");
    decided("echo", true);
    frame(
        "client_to_server",
        "proxy",
        "tools/call",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"edited\"}}}");
    answer("server_to_client", "server", 2, "{\"content\":[]}");
    answer("server_to_client", "proxy", 2, "{\"content\":[],\"truncated\":true}");
    long denied = events.size();
    call(3, "rm", "{}");
    decided("rm", false);
    answer("server_to_client", "proxy", 3, "{\"isError\":true}");
    long redacted = events.size();
    frame("client_to_server", "client", "tools/call", null);

    LivePlan plan = LivePlan.of(Recording.of("t", "s", events));

    assertThat(plan.initializeParams().path("protocolVersion").asText()).isEqualTo("2025-06-18");
    assertThat(plan.calls()).hasSize(2);
    LivePlan.Call echo = plan.calls().get(0);
    assertThat(echo.executed()).isTrue();
    assertThat(echo.request().at("/params/arguments/message").asText())
        .as("what the server received: the proxy's rewrite")
        .isEqualTo("edited");
    assertThat(echo.recordedAnswer().path("result").has("truncated"))
        .as("the server's answer, not the proxy's")
        .isFalse();
    LivePlan.Call rm = plan.calls().get(1);
    assertThat(rm.seq()).isEqualTo(denied);
    assertThat(rm.executed()).isFalse();
    assertThat(rm.verdict()).isEqualTo("denied PERMISSION_UNDECLARED");
    assertThat(rm.recordedAnswer()).isNull();
    assertThat(plan.destructive("drop")).as("pinned annotations").isTrue();
    assertThat(plan.destructive("wipe")).as("a recorded tools/list answer").isTrue();
    assertThat(plan.destructive("echo")).isFalse();
    assertThat(plan.destructive("look")).as("read-only").isFalse();
    assertThat(plan.destructive("bare")).as("MCP's default for a tool without hints").isTrue();
    assertThat(plan.destructive("never-listed")).isTrue();
    assertThat(plan.notes())
        .containsExactly(
            "seq "
                + redacted
                + ": a tools/call whose body is not stored (redacted or oversized): not re-issued");
  }
}
