package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.Envelope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tool calls of one chain keyed by the seq of their request frame: the policy's decision, the
 * final verdict and whether the call ran and got a result. Built once, immutable.
 */
public final class CallTrail {
  /** One call: its decision and what became of it. */
  public record Call(
      String callId,
      String tool,
      long decisionSeq,
      String outcome,
      String reason,
      String verdict,
      boolean executed,
      boolean result) {}

  private final Map<Long, Call> byFrame = new HashMap<>();

  CallTrail(List<Envelope> events) {
    Map<Long, Long> frameOfProposal = new HashMap<>();
    Map<Long, JsonNode> decision = new HashMap<>();
    Map<Long, Long> decisionSeq = new HashMap<>();
    Map<Long, String> verdict = new HashMap<>();
    Map<Long, Boolean> executed = new HashMap<>();
    Map<Long, Boolean> result = new HashMap<>();
    Map<Long, JsonNode> proposal = new HashMap<>();
    for (Envelope e : events) {
      JsonNode p = e.payload();
      long of = p.path("proposal_seq").asLong(-1);
      switch (e.eventType()) {
        case "TOOL_CALL_PROPOSED" -> {
          frameOfProposal.put(e.seq(), p.path("frame_seq").asLong(-1));
          proposal.put(e.seq(), p);
        }
        case "POLICY_DECISION" -> {
          decision.putIfAbsent(of, p);
          decisionSeq.putIfAbsent(of, e.seq());
        }
        case "TOOL_CALL_ALLOWED" -> verdict.put(of, "allowed");
        case "TOOL_CALL_DENIED" -> verdict.put(of, "denied " + p.path("reason").asText());
        case "TOOL_CALL_EXECUTED" -> executed.put(of, true);
        case "TOOL_RESULT" -> result.put(of, true);
        default -> {
          // not part of a call's trail
        }
      }
    }
    for (Map.Entry<Long, Long> f : frameOfProposal.entrySet()) {
      long seq = f.getKey();
      JsonNode p = proposal.get(seq);
      JsonNode d = decision.get(seq);
      byFrame.put(
          f.getValue(),
          new Call(
              p.path("call_id").asText(),
              p.path("tool_name").asText(),
              decisionSeq.getOrDefault(seq, -1L),
              d == null ? null : d.path("outcome").asText(),
              d == null ? null : d.path("reason").asText(),
              verdict.get(seq),
              executed.getOrDefault(seq, false),
              result.getOrDefault(seq, false)));
    }
  }

  /** The call whose request frame was sealed at {@code frameSeq}, or null. */
  Call at(long frameSeq) {
    return byFrame.get(frameSeq);
  }
}
