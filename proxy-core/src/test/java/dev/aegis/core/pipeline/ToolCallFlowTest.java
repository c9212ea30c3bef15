package dev.aegis.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ToolCallFlowTest {
  static final String CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
          + "\"arguments\":{\"text\":\"hi\"},\"_meta\":{\"io.aegis/sanitizer_key\":\"k1\"}}}";
  private final ManualStore store = new ManualStore();
  private final InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(1_000));

  private ProxySession session(ScriptedGuard guard, GuardOptions options) {
    return new ProxySession(SessionChain.open(store, clock, "t", "", "s"), guard, options);
  }

  private static Frame frame(String json) {
    return Frame.of(json.getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode payload(int i) {
    return EnvelopeHasher.parse(store.appended.get(i).sealed()).payload();
  }

  private List<String> types() {
    return store.appended.stream().map(r -> r.eventType()).toList();
  }

  private static JsonNode json(byte[] b) {
    return Json.parseTrusted(new String(b, StandardCharsets.UTF_8));
  }

  @Test
  void allowedCallIsForwardedAfterItsWholeTrailIsDurable() {
    Decision allow = new Decision(Outcome.ALLOW, "OK", Json.object().put("timeout_ms", 30000));
    ScriptedGuard guard = ScriptedGuard.always(allow);
    ProxySession s = session(guard, GuardOptions.DEFAULT);
    CompletableFuture<Action> a = s.onFrame(Direction.CLIENT_TO_SERVER, frame(CALL));
    assertThat(types())
        .containsExactly(
            "MCP_FRAME",
            "TOOL_CALL_PROPOSED",
            "POLICY_DECISION",
            "TOOL_CALL_ALLOWED",
            "TOOL_CALL_EXECUTED");
    assertThat(a).isNotDone();
    store.commitAll();
    assertThat(a.join().type()).isEqualTo(Action.Type.FORWARD);
    assertThat(guard.types()).as("the guard observes every sealed event").isEqualTo(types());

    JsonNode proposal = payload(1);
    assertThat(proposal.get("tool_name").asText()).isEqualTo("echo");
    assertThat(proposal.get("call_id").asText()).isEqualTo("5");
    assertThat(proposal.at("/args/text").asText()).isEqualTo("hi");
    assertThat(proposal.get("sanitizer_key").asText()).isEqualTo("k1");
    assertThat(proposal.get("frame_seq").asLong()).isZero();
    JsonNode decision = payload(2);
    assertThat(decision.get("outcome").asText()).isEqualTo("allow");
    assertThat(decision.get("proposal_seq").asLong()).isEqualTo(1);
    assertThat(decision.get("engine").asText()).isEqualTo("scripted");
    assertThat(decision.at("/constraints/timeout_ms").asInt()).isEqualTo(30000);

    s.onFrame(
        Direction.SERVER_TO_CLIENT,
        frame("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"content\":[],\"isError\":false}}"));
    assertThat(types()).endsWith("MCP_FRAME", "TOOL_RESULT");
    JsonNode result = payload(store.appended.size() - 1);
    assertThat(result.get("is_error").asBoolean()).isFalse();
    assertThat(result.get("proposal_seq").asLong()).isEqualTo(1);
    assertThat(result.get("result_sha256").asText())
        .isEqualTo(EnvelopeHasher.hashOf(Json.parseTrusted("{\"content\":[],\"isError\":false}")));
  }

  @Test
  void deniedCallGetsAToolResultTheModelCanReadAndIsNotForwarded() {
    ProxySession s =
        session(
            ScriptedGuard.always(new Decision(Outcome.DENY, "EGRESS_DENY", null)),
            GuardOptions.DEFAULT);
    Action a = s.onFrame(Direction.CLIENT_TO_SERVER, frame(CALL)).join();
    assertThat(a.type()).isEqualTo(Action.Type.REPLY);
    assertThat(a.replyDirection()).isEqualTo(Direction.SERVER_TO_CLIENT);
    JsonNode r = json(a.reply());
    assertThat(r.get("id").asInt()).isEqualTo(5);
    assertThat(r.at("/result/isError").asBoolean()).isTrue();
    assertThat(r.at("/result/content/0/text").asText()).contains("echo").contains("EGRESS_DENY");
    assertThat(r.at("/result/structuredContent/aegis/outcome").asText()).isEqualTo("deny");
    assertThat(r.at("/result/structuredContent/aegis/reason").asText()).isEqualTo("EGRESS_DENY");
    assertThat(r.at("/result/structuredContent/aegis/decision_id").asText()).isEqualTo("s/2");
    assertThat(types())
        .containsExactly(
            "MCP_FRAME", "TOOL_CALL_PROPOSED", "POLICY_DECISION", "TOOL_CALL_DENIED", "MCP_FRAME");
    assertThat(payload(4).get("origin").asText()).isEqualTo("proxy");
  }

  @Test
  void denyAsErrorUsesTheSeedCodes() {
    ProxySession deny =
        session(
            ScriptedGuard.always(new Decision(Outcome.DENY, "BUDGET_EXCEEDED", null)),
            new GuardOptions(false, true));
    JsonNode r = json(deny.onFrame(Direction.CLIENT_TO_SERVER, frame(CALL)).join().reply());
    assertThat(r.at("/error/code").asInt()).isEqualTo(-32000);
    assertThat(r.at("/error/data/reason").asText()).isEqualTo("BUDGET_EXCEEDED");
    assertThat(r.at("/error/data/source").asText()).isEqualTo("aegis");
    ProxySession approval =
        session(
            ScriptedGuard.always(new Decision(Outcome.REQUIRE_APPROVAL, "APPROVAL_REQUIRED", null)),
            new GuardOptions(false, true));
    java.util.concurrent.CompletableFuture<byte[]> later = new CompletableFuture<>();
    approval.attachOutput((d, b) -> later.complete(b));
    Action held = approval.onFrame(Direction.CLIENT_TO_SERVER, frame(CALL)).join();
    assertThat(held.type())
        .as("a call under approval is taken over; its answer comes through the output")
        .isEqualTo(Action.Type.CONSUMED);
    JsonNode r2 = json(later.join());
    assertThat(r2.at("/error/code").asInt()).isEqualTo(-32001);
    assertThat(r2.at("/error/data/reason").asText()).isEqualTo("APPROVAL_REQUIRED");
  }

  @Test
  void auditModeSealsTheDenialButForwards() {
    ProxySession s =
        session(
            ScriptedGuard.always(new Decision(Outcome.DENY, "PERMISSION_UNDECLARED", null)),
            new GuardOptions(true, false));
    CompletableFuture<Action> a = s.onFrame(Direction.CLIENT_TO_SERVER, frame(CALL));
    store.commitAll();
    assertThat(a.join().type()).isEqualTo(Action.Type.FORWARD);
    assertThat(types()).contains("TOOL_CALL_DENIED", "TOOL_CALL_EXECUTED");
    assertThat(payload(3).get("audit_only").asBoolean()).isTrue();
  }

  @Test
  void aFailingGuardFailsClosed() {
    ScriptedGuard broken =
        new ScriptedGuard(
            e -> CompletableFuture.failedFuture(new IllegalStateException("engine crashed")));
    Action a =
        session(broken, GuardOptions.DEFAULT)
            .onFrame(Direction.CLIENT_TO_SERVER, frame(CALL))
            .join();
    assertThat(json(a.reply()).at("/result/structuredContent/aegis/reason").asText())
        .isEqualTo("POLICY_ERROR");
  }

  @Test
  void malformedParamsAreRejectedBeforeAnyDecision() {
    ProxySession s =
        session(
            ScriptedGuard.always(new Decision(Outcome.ALLOW, "OK", null)), GuardOptions.DEFAULT);
    Action a =
        s.onFrame(
                Direction.CLIENT_TO_SERVER,
                frame(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":[]}}"))
            .join();
    assertThat(json(a.reply()).at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(types()).doesNotContain("TOOL_CALL_PROPOSED");
  }

  @Test
  void otherRequestsAreNotGuarded() {
    ScriptedGuard guard = ScriptedGuard.always(new Decision(Outcome.DENY, "X", null));
    ProxySession s = session(guard, GuardOptions.DEFAULT);
    CompletableFuture<Action> a =
        s.onFrame(
            Direction.CLIENT_TO_SERVER,
            frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
    store.commitAll();
    assertThat(a.join().type()).isEqualTo(Action.Type.FORWARD);
    assertThat(types()).containsExactly("MCP_FRAME");
  }

  @Test
  void engineEvidenceIsSealed() {
    ScriptedGuard guard =
        new ScriptedGuard(
            e ->
                CompletableFuture.completedFuture(
                    new GuardDecision(
                        new Decision(Outcome.DENY, "LOOP_DETECTED", null),
                        Json.object().put("engine", "wasm").put("bundle_sha256", "ab"))));
    session(guard, GuardOptions.DEFAULT).onFrame(Direction.CLIENT_TO_SERVER, frame(CALL)).join();
    assertThat(payload(2).get("bundle_sha256").asText()).isEqualTo("ab");
    assertThat(payload(2).get("reason").asText()).isEqualTo("LOOP_DETECTED");
  }

  @Test
  void anAnswerLargerThanMaxOutputBytesIsWithheldButSealed() {
    Decision allow = new Decision(Outcome.ALLOW, "OK", Json.object().put("max_output_bytes", 60));
    ProxySession s = session(ScriptedGuard.always(allow), GuardOptions.DEFAULT);
    CompletableFuture<Action> a = s.onFrame(Direction.CLIENT_TO_SERVER, frame(CALL));
    store.commitAll();
    a.join();
    String big =
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"content\":[{\"type\":\"text\","
            + "\"text\":\""
            + "x".repeat(100)
            + "\"}]}}";
    Action r = s.onFrame(Direction.SERVER_TO_CLIENT, frame(big)).join();
    assertThat(r.type()).isEqualTo(Action.Type.REPLY);
    JsonNode reply = json(r.reply());
    assertThat(reply.at("/result/structuredContent/aegis/reason").asText())
        .isEqualTo("OUTPUT_TOO_LARGE");
    assertThat(reply.at("/result/structuredContent/aegis/decision_id").asText()).isEqualTo("s/2");
    JsonNode result = payload(types().lastIndexOf("TOOL_RESULT"));
    assertThat(result.get("withheld").asBoolean()).isTrue();
    assertThat(result.get("frame_bytes").asInt()).isEqualTo(big.length());
    assertThat(store.appended.get(types().lastIndexOf("TOOL_RESULT") - 1).body())
        .as("the withheld answer itself is kept")
        .isEqualTo(big.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCallPastItsTimeoutIsCancelledUpstreamAnsweredAndItsLateAnswerDropped() throws Exception {
    Decision allow = new Decision(Outcome.ALLOW, "OK", Json.object().put("timeout_ms", 50));
    ProxySession s = session(ScriptedGuard.always(allow), GuardOptions.DEFAULT);
    java.util.concurrent.BlockingQueue<String> out =
        new java.util.concurrent.LinkedBlockingQueue<>();
    s.attachOutput((d, b) -> out.add(d + " " + new String(b, StandardCharsets.UTF_8)));
    CompletableFuture<Action> a = s.onFrame(Direction.CLIENT_TO_SERVER, frame(CALL));
    store.commitAll();
    assertThat(a.join().type()).isEqualTo(Action.Type.FORWARD);
    String cancel = out.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    String answer = out.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(cancel)
        .startsWith("CLIENT_TO_SERVER ")
        .contains("\"method\":\"notifications/cancelled\"")
        .contains("\"requestId\":5");
    assertThat(answer).startsWith("SERVER_TO_CLIENT ").contains("\"reason\":\"TIMEOUT\"");
    Action late =
        s.onFrame(Direction.SERVER_TO_CLIENT, frame("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}"))
            .join();
    assertThat(late.type()).isEqualTo(Action.Type.DROP);
    assertThat(types()).doesNotContain("TOOL_RESULT");
  }

  @Test
  void toolListsAreFilteredToWhatTheGuardListsAndBothVersionsAreSealed() {
    ProxySession s =
        session(
            ScriptedGuard.always(new Decision(Outcome.ALLOW, "OK", null)), GuardOptions.DEFAULT);
    CompletableFuture<Action> req =
        s.onFrame(
            Direction.CLIENT_TO_SERVER,
            frame("{\"jsonrpc\":\"2.0\",\"id\":\"L\",\"method\":\"tools/list\"}"));
    store.commitAll();
    req.join();
    String list =
        "{\"jsonrpc\":\"2.0\",\"id\":\"L\",\"result\":{\"tools\":[{\"name\":\"echo\"},"
            + "{\"name\":\"hidden_rm\"}],\"nextCursor\":\"c2\",\"_meta\":{\"k\":1.50}}}";
    Action a = s.onFrame(Direction.SERVER_TO_CLIENT, frame(list)).join();
    assertThat(a.type()).isEqualTo(Action.Type.REPLY);
    assertThat(new String(a.reply(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":\"L\",\"result\":{\"tools\":[{\"name\":\"echo\"}],"
                + "\"nextCursor\":\"c2\",\"_meta\":{\"k\":1.50}}}");
    assertThat(types()).endsWith("MCP_FRAME", "TOOL_CATALOG_PINNED", "MCP_FRAME");
    assertThat(payload(store.appended.size() - 3).get("origin").asText()).isEqualTo("server");
    assertThat(payload(store.appended.size() - 2).get("tools").has("hidden_rm"))
        .as("every tool the server listed is pinned, shown or not")
        .isTrue();
    assertThat(payload(store.appended.size() - 1).get("origin").asText()).isEqualTo("proxy");

    CompletableFuture<Action> again =
        s.onFrame(
            Direction.CLIENT_TO_SERVER,
            frame("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"));
    store.commitAll();
    again.join();
    Action untouched =
        s.onFrame(
                Direction.SERVER_TO_CLIENT,
                frame(
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"echo\"}]}}"))
            .join();
    assertThat(untouched.type())
        .as("nothing removed: the exact bytes go through")
        .isEqualTo(Action.Type.FORWARD);
  }
}
