package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One test of a pack: a single policy input {@code {event, snapshot, manifest}} ({@code input},
 * manifest resolved), a sequence of events ingested in order into a fresh session ({@code steps},
 * the last a {@code TOOL_CALL_PROPOSED}), or client JSON-RPC frames sent through a real proxy to a
 * real server ({@code frames}, an MCP pack's cases), and the decision it must get. Immutable apart
 * from the JSON nodes, which callers must not modify.
 *
 * @param id unique across the shipped packs
 * @param reqId the requirement the test covers (may be null)
 * @param note why the test exists
 * @param input the stateless policy input, or null for a multi-step test
 * @param steps the events of a multi-step test, or an empty list
 * @param outcome the expected outcome ({@code allow}, {@code deny}, {@code require_approval})
 * @param reason the expected reason code
 * @param constraints the expected constraints, compared exactly when not null
 * @param frames the client frames of an MCP case (each may carry its own {@code want}), or an empty
 *     list
 * @param answerWant an MCP case's whole {@code want} (outcome, reason, result checks) for the
 *     answer to its last frame, or null
 */
public record PackCase(
    String id,
    String reqId,
    String note,
    ObjectNode input,
    List<ObjectNode> steps,
    String outcome,
    String reason,
    JsonNode constraints,
    List<ObjectNode> frames,
    ObjectNode answerWant) {

  /** Numbers compare by value: YAML's 1048576 equals the policy's 1048576.0. */
  private static final Comparator<JsonNode> BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
        }
        return a.equals(b) ? 0 : 1;
      };

  /** Copies the step and frame lists. */
  public PackCase {
    steps = List.copyOf(steps);
    frames = List.copyOf(frames);
  }

  /** A decision or multi-step case (no frames). */
  public PackCase(
      String id,
      String reqId,
      String note,
      ObjectNode input,
      List<ObjectNode> steps,
      String outcome,
      String reason,
      JsonNode constraints) {
    this(id, reqId, note, input, steps, outcome, reason, constraints, List.of(), null);
  }

  /** True for a multi-step (session) test. */
  public boolean stateful() {
    return input == null && frames.isEmpty();
  }

  /** True for an MCP-level test (frames through a real proxy). */
  public boolean mcp() {
    return !frames.isEmpty();
  }

  /** The kind named in reports: {@code decision}, {@code multi-step} or {@code mcp}. */
  public String kind() {
    return mcp() ? "mcp" : stateful() ? "multi-step" : "decision";
  }

  /** Null when a decision's JSON ({@code outcome, reason, constraints}) is as expected. */
  public String mismatch(JsonNode decision) {
    List<String> diffs = new ArrayList<>();
    String gotOutcome = decision.path("outcome").asText("");
    String gotReason = decision.path("reason").asText("");
    if (!gotOutcome.equals(outcome)) {
      diffs.add("outcome " + gotOutcome + " (want " + outcome + ")");
    }
    if (!gotReason.equals(reason)) {
      diffs.add("reason " + gotReason + " (want " + reason + ")");
    }
    JsonNode got = decision.path("constraints");
    if (constraints != null && !got.equals(BY_VALUE, constraints)) {
      diffs.add("constraints " + got + " (want " + constraints + ")");
    }
    return diffs.isEmpty() ? null : String.join(", ", diffs);
  }
}
