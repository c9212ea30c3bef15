package dev.aegis.guard.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionStateTest {
  private final SessionState state = new SessionState(LoopSettings.DEFAULTS);
  private final List<Envelope> fed = new ArrayList<>();
  private long seq;

  private Envelope feed(String type, ObjectNode payload, long ts) {
    Envelope e =
        new Envelope("t", "", "s", seq, ts, type, payload, seq == 0 ? null : "0".repeat(64));
    seq++;
    state.apply(e);
    fed.add(e);
    return e;
  }

  private long propose(String tool, String arg, long ts) {
    ObjectNode args = Json.object().put("q", arg);
    return feed("TOOL_CALL_PROPOSED", Json.object().put("tool_name", tool).set("args", args), ts)
        .seq();
  }

  private void allowAndResult(long proposal, String tool, String resultDigest, long ts) {
    feed("POLICY_DECISION", Json.object().put("proposal_seq", proposal), ts);
    feed("TOOL_CALL_ALLOWED", Json.object().put("proposal_seq", proposal), ts);
    feed("TOOL_CALL_EXECUTED", Json.object().put("proposal_seq", proposal), ts);
    feed(
        "TOOL_RESULT",
        Json.object()
            .put("proposal_seq", proposal)
            .put("tool_name", tool)
            .put("result_sha256", resultDigest),
        ts);
  }

  @Test
  void countersAreThoseBeforeTheCallAndTimeComesFromEvents() {
    feed("SESSION_STARTED", Json.object(), 1_000);
    long p1 = propose("read", "a", 1_500);
    PolicySnapshot s1 = state.snapshotFor(p1);
    assertThat(s1.stepsConsumed()).isZero();
    assertThat(s1.toolCallsConsumed()).isZero();
    assertThat(s1.wallTimeMs()).isEqualTo(500);
    assertThat(s1.tainted()).isFalse();
    allowAndResult(p1, "read", "d1", 1_600);
    long p2 = propose("read", "b", 4_000);
    PolicySnapshot s2 = state.snapshotFor(p2);
    assertThat(s2.stepsConsumed()).isEqualTo(1);
    assertThat(s2.toolCallsConsumed()).isEqualTo(1);
    assertThat(s2.wallTimeMs()).isEqualTo(3_000);
    assertThat(s2.tainted()).isTrue();
    assertThat(s2.toPolicyJson().toString())
        .isEqualTo(
            "{\"steps_consumed\":1,\"tool_calls_consumed\":1,\"wall_time_ms\":3000,"
                + "\"loop_violation\":\"\",\"is_tainted\":true,\"sanitized_keys\":[]}");
    assertThat(state.snapshotFor(p1)).as("decided proposals are forgotten").isNull();
  }

  @Test
  void deniedCallsAreStepsButNotToolCalls() {
    long p = propose("x", "a", 0);
    feed("POLICY_DECISION", Json.object().put("proposal_seq", p), 0);
    feed("TOOL_CALL_DENIED", Json.object().put("proposal_seq", p), 0);
    PolicySnapshot next = state.snapshotFor(propose("x", "b", 0));
    assertThat(next.stepsConsumed()).isEqualTo(1);
    assertThat(next.toolCallsConsumed()).isZero();
  }

  @Test
  void thirdIdenticalCallIsALoopWithItsTraceAndADifferentCallIsNot() {
    long a = propose("search", "same", 0);
    long b = propose("search", "same", 0);
    assertThat(state.snapshotFor(b).loopViolation()).as("an honest retry passes").isNull();
    long c = propose("search", "same", 0);
    LoopViolation v = state.snapshotFor(c).loopViolation();
    assertThat(v.reason()).isEqualTo("LOOP_IDENTICAL_CALL");
    assertThat(v.cycleTrace()).containsExactly(a, b, c);
    assertThat(state.snapshotFor(c).toPolicyJson().get("loop_violation").asText())
        .isEqualTo("LOOP_IDENTICAL_CALL");
    assertThat(state.snapshotFor(propose("search", "other", 0)).loopViolation()).isNull();
  }

  @Test
  void repeatingSequenceOfThreeNamesIsALoop() {
    List<Long> seqs = new ArrayList<>();
    String[] names = {"list", "read", "edit", "list", "read", "edit"};
    for (int i = 0; i < names.length; i++) {
      seqs.add(propose(names[i], "arg" + i, 0));
    }
    LoopViolation v = state.snapshotFor(seqs.get(5)).loopViolation();
    assertThat(v.reason()).isEqualTo("LOOP_REPEATING_SEQUENCE");
    assertThat(v.cycleTrace()).containsExactlyElementsOf(seqs);
    assertThat(state.snapshotFor(seqs.get(4)).loopViolation()).isNull();
  }

  @Test
  void thirdCallAfterTwoIdenticalResultsIsNoProgress() {
    for (int i = 0; i < 2; i++) {
      long p = propose("poll", "attempt-" + i, 0);
      assertThat(state.snapshotFor(p).loopViolation()).isNull();
      allowAndResult(p, "poll", "same-digest", 0);
    }
    LoopViolation v = state.snapshotFor(propose("poll", "attempt-2", 0)).loopViolation();
    assertThat(v.reason()).isEqualTo("LOOP_NO_PROGRESS");
    assertThat(v.cycleTrace()).hasSize(3);
  }

  @Test
  void sanitisationIsRecordedAndTerminationClearsTaint() {
    long p = propose("fetch", "u", 0);
    allowAndResult(p, "fetch", "d", 0);
    feed("SANITIZED", Json.object().put("key", "k1"), 0);
    PolicySnapshot s = state.snapshotFor(propose("write_file", "x", 0));
    assertThat(s.tainted()).isTrue();
    assertThat(s.sanitizedKeys()).containsExactly("k1");
    feed("TERMINATION", Json.object(), 0);
    PolicySnapshot after = state.snapshotFor(propose("write_file", "y", 0));
    assertThat(after.tainted()).isFalse();
    assertThat(after.sanitizedKeys()).isEmpty();
  }

  @Test
  void aResumableTerminationKeepsTaintAndSanitisedKeys() {
    allowAndResult(propose("fetch", "u", 0), "fetch", "d", 0);
    feed("SANITIZED", Json.object().put("key", "k1"), 0);
    feed("TERMINATION", Json.object().put("resumable", true), 0);
    feed("SESSION_STARTED", Json.object().put("resumed_at_seq", 9), 0);
    PolicySnapshot after = state.snapshotFor(propose("write_file", "y", 0));
    assertThat(after.tainted()).isTrue();
    assertThat(after.sanitizedKeys()).containsExactly("k1");
  }

  @Test
  void replayingTheSameEventsGivesTheSameStateHash() {
    feed("SESSION_STARTED", Json.object(), 10);
    allowAndResult(propose("a", "1", 20), "a", "d", 30);
    SessionState again = new SessionState(LoopSettings.DEFAULTS);
    fed.forEach(again::apply);
    assertThat(again.hash()).isEqualTo(state.hash());
    assertThat(again.toJson()).isEqualTo(state.toJson());
  }

  private void pin(String tool, ObjectNode annotations) {
    ObjectNode tools = Json.object();
    tools.putObject(tool).put("sha256", "d-" + tool).set("annotations", annotations);
    feed("TOOL_CATALOG_PINNED", Json.object().set("tools", tools), 0);
  }

  @Test
  void firstPinnedAnnotationsStickAndChangedToolsAreMarked() {
    assertThat(state.snapshotFor(propose("drop", "0", 0)).pinnedAnnotations())
        .as("never pinned")
        .isNull();
    pin("drop", Json.object().put("destructiveHint", true));
    pin("drop", Json.object().put("destructiveHint", false));
    PolicySnapshot s = state.snapshotFor(propose("drop", "1", 0));
    assertThat(s.pinnedAnnotations().get("destructiveHint").asBoolean())
        .as("a later pin cannot relax the first")
        .isTrue();
    assertThat(s.definitionChanged()).isFalse();
    ObjectNode changed = Json.object();
    changed.putArray("changed").add("drop");
    changed.putArray("renamed").addObject().put("from", "a").put("to", "b");
    feed("TOOL_CATALOG_CHANGED", changed, 0);
    assertThat(state.snapshotFor(propose("drop", "2", 0)).definitionChanged()).isTrue();
    assertThat(state.snapshotFor(propose("a", "3", 0)).definitionChanged()).isTrue();
    assertThat(state.snapshotFor(propose("b", "4", 0)).definitionChanged()).isTrue();
    assertThat(state.snapshotFor(propose("c", "5", 0)).definitionChanged()).isFalse();
    assertThat(state.toJson().get("changed_tools").toString()).isEqualTo("[\"a\",\"b\",\"drop\"]");
    SessionState again = new SessionState(LoopSettings.DEFAULTS);
    fed.forEach(again::apply);
    assertThat(again.hash()).isEqualTo(state.hash());
  }

  @Test
  void aRepinClearsTheChangeMarkAndReplacesThePinnedAnnotations() {
    pin("drop", Json.object().put("destructiveHint", true));
    pin("keep", Json.object());
    ObjectNode changed = Json.object();
    changed.putArray("changed").add("drop").add("keep");
    feed("TOOL_CATALOG_CHANGED", changed, 0);
    PolicySnapshot before = state.snapshotFor(propose("drop", "1", 0));
    assertThat(before.definitionChanged()).isTrue();
    ObjectNode tools = Json.object();
    tools
        .putObject("drop")
        .put("sha256", "d-drop-2")
        .set("annotations", Json.object().put("destructiveHint", false));
    feed("TOOL_CATALOG_REPINNED", Json.object().set("tools", tools), 0);
    PolicySnapshot after = state.snapshotFor(propose("drop", "2", 0));
    assertThat(after.definitionChanged()).as("approved by an operator").isFalse();
    assertThat(after.pinnedAnnotations().get("destructiveHint").asBoolean())
        .as("the approved definition's annotations")
        .isFalse();
    assertThat(after.catalogSha256()).isNotEqualTo(before.catalogSha256());
    assertThat(state.snapshotFor(propose("keep", "3", 0)).definitionChanged())
        .as("a tool not re-pinned stays changed")
        .isTrue();
    SessionState again = new SessionState(LoopSettings.DEFAULTS);
    fed.forEach(again::apply);
    assertThat(again.hash()).isEqualTo(state.hash());
  }

  @Test
  void withoutPinsTheStateJsonIsUnchanged() {
    propose("a", "1", 0);
    assertThat(state.toJson().has("pinned_annotations")).isFalse();
  }

  @Test
  void eventsOutOfOrderAreRejected() {
    propose("a", "1", 0);
    Envelope old = new Envelope("t", "", "s", 0, 0, "TOOL_RESULT", Json.object(), null);
    assertThatThrownBy(() -> state.apply(old)).hasMessageContaining("seq 0");
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new LoopSettings(1, 3, 3, 7, 20))
        .hasMessageContaining("identical_call_threshold: 1");
    assertThatThrownBy(() -> new LoopSettings(3, 3, 5, 4, 20)).hasMessageContaining("sequence");
    assertThatThrownBy(() -> new LoopSettings(3, 3, 3, 7, 10)).hasMessageContaining("window: 10");
  }

  @Test
  void approvalRetriesAreNotLoopsAndApprovalsAreCounted() {
    String before = state.hash();
    for (int attempt = 0; attempt < 3; attempt++) { // each attempt ends APPROVAL_REQUIRED
      long p = propose("deploy", "prod", 10 + attempt);
      assertThat(state.snapshotFor(p).loopViolation()).isNull();
      feed("POLICY_DECISION", Json.object().put("proposal_seq", p), 10 + attempt);
      feed("APPROVAL_REQUESTED", Json.object().put("proposal_seq", p), 10 + attempt);
      feed(
          "TOOL_CALL_DENIED",
          Json.object().put("proposal_seq", p).put("reason", "APPROVAL_REQUIRED"),
          10 + attempt);
    }
    long approved = propose("deploy", "prod", 20);
    assertThat(state.snapshotFor(approved).loopViolation())
        .as("three refused attempts and the approved retry are not an identical-call loop")
        .isNull();
    feed("POLICY_DECISION", Json.object().put("proposal_seq", approved), 20);
    feed("APPROVAL_DECIDED", Json.object().put("proposal_seq", approved).put("approved", true), 20);
    assertThat(state.toJson().path("approvals").toString())
        .isEqualTo("{\"requested\":3,\"granted\":1,\"refused\":0,\"awaiting_proposal_seqs\":[]}");
    assertThat(state.hash()).isNotEqualTo(before);
    SessionState again = new SessionState(LoopSettings.DEFAULTS);
    fed.forEach(again::apply);
    assertThat(again.hash()).as("rebuilt from the same events").isEqualTo(state.hash());
  }

  @Test
  void repeatedCallsThatWereDeniedForOtherReasonsStillLoop() {
    for (int attempt = 0; attempt < 2; attempt++) {
      long p = propose("deploy", "prod", 10 + attempt);
      feed("POLICY_DECISION", Json.object().put("proposal_seq", p), 10);
      feed(
          "TOOL_CALL_DENIED",
          Json.object().put("proposal_seq", p).put("reason", "EGRESS_DENY"),
          10);
    }
    long third = propose("deploy", "prod", 12);
    assertThat(state.snapshotFor(third).loopViolation()).isNotNull();
  }

  @Test
  void rateLimitedAttemptsAreNotLoopsAndLeaveNoPendingSnapshot() {
    for (int attempt = 0; attempt < 3; attempt++) {
      long p = propose("deploy", "prod", 10 + attempt);
      feed(
          "TOOL_CALL_DENIED",
          Json.object().put("proposal_seq", p).put("reason", "RATE_LIMITED"),
          10 + attempt);
      assertThat(state.snapshotFor(p)).as("no decision will come for it").isNull();
    }
    long next = propose("deploy", "prod", 20);
    assertThat(state.snapshotFor(next).loopViolation()).isNull();
  }
}
