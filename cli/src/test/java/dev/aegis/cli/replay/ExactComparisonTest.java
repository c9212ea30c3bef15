package dev.aegis.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What exact replay compares, masks and excludes. */
class ExactComparisonTest {
  private static final String TOKEN = "apv1-" + "a".repeat(24) + "-" + "b".repeat(32);
  private static final String OTHER = "apv1-" + "c".repeat(24) + "-" + "d".repeat(32);

  /** An envelope of session s, tenant t (shared with the other replay tests). */
  static Envelope event(long seq, String type, String payload) {
    return new Envelope(
        "t",
        "",
        "s",
        seq,
        1000 + seq,
        type,
        Json.parseTrusted(payload),
        seq == 0 ? null : "0".repeat(64));
  }

  private static List<ChainRecord> sealed(List<Envelope> events) {
    List<ChainRecord> out = new ArrayList<>();
    for (Envelope e : events) {
      out.add(ChainRecord.of(EnvelopeHasher.seal(e), null));
    }
    return out;
  }

  private static Recording recording(List<Envelope> events) {
    List<Recording.Event> out = new ArrayList<>();
    events.forEach(e -> out.add(new Recording.Event(e, null)));
    return Recording.of("t", "s", out);
  }

  @Test
  void latencyExpiryAndTokensAreNotDifferences() {
    List<Envelope> a =
        List.of(
            event(
                0, "POLICY_DECISION", "{\"outcome\":\"allow\",\"reason\":\"OK\",\"latency_us\":7}"),
            event(
                1,
                "APPROVAL_REQUESTED",
                "{\"approval_token\":\""
                    + TOKEN
                    + "\",\"expires_unix_ms\":5,\"state_nonce\":\""
                    + "0".repeat(24)
                    + "\"}"));
    List<Envelope> b =
        List.of(
            event(
                0, "POLICY_DECISION", "{\"outcome\":\"allow\",\"reason\":\"OK\",\"latency_us\":9}"),
            event(
                1,
                "APPROVAL_REQUESTED",
                "{\"approval_token\":\""
                    + OTHER
                    + "\",\"expires_unix_ms\":6,\"state_nonce\":\""
                    + "1".repeat(24)
                    + "\"}"));
    assertThat(ExactComparison.compare(recording(a), sealed(b))).isEmpty();
  }

  @Test
  void aChangedDecisionAndAMissingEventAreReported() {
    List<Envelope> a =
        List.of(
            event(0, "POLICY_DECISION", "{\"outcome\":\"allow\",\"reason\":\"OK\"}"),
            event(1, "TOOL_CALL_ALLOWED", "{}"));
    List<Envelope> b =
        List.of(event(0, "POLICY_DECISION", "{\"outcome\":\"deny\",\"reason\":\"EGRESS_DENY\"}"));
    List<DiffReport.Diff> diffs = ExactComparison.compare(recording(a), sealed(b));
    assertThat(diffs)
        .extracting(DiffReport.Diff::seq, DiffReport.Diff::field)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0L, "payload.outcome"),
            org.assertj.core.groups.Tuple.tuple(0L, "payload.reason"),
            org.assertj.core.groups.Tuple.tuple(1L, "event_type"));
    assertThat(diffs.get(2).replayed()).isNull();
  }

  @Test
  void tokensInsideTextAreMaskedByShape() {
    JsonNode masked =
        Nondeterministic.mask(
            Json.parseTrusted("{\"text\":\"run aegisctl approve " + TOKEN + "\"}"));
    assertThat(masked.path("text").asText()).isEqualTo("run aegisctl approve <token>");
  }

  @Test
  void theReportIsEmptyNotNullWhenIdentical() {
    DiffReport r = new DiffReport("s", "exact", 3, List.of(), List.of());
    assertThat(r.toJson().path("diffs").isArray()).isTrue();
    assertThat(r.toJson().path("identical").asBoolean()).isTrue();
    assertThat(r.toText()).contains("identical");
  }
}
