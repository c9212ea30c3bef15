package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.guard.ToolCallGuard;
import dev.aegis.core.json.Json;
import dev.aegis.core.taint.Fingerprints;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The sealed trail of one client {@code tools/call}: TOOL_CALL_PROPOSED → POLICY_DECISION →
 * TOOL_CALL_ALLOWED or TOOL_CALL_DENIED → TOOL_CALL_EXECUTED (durable before the call is forwarded)
 * → TOOL_RESULT when the server answers (with content fingerprints when the guard asks for them) →
 * SANITIZED when a sanitiser call succeeds. Thread-safe: sealing is serialised by the chain;
 * decisions complete on the engine's threads.
 */
final class ToolCallFlow {
  /** Where a sanitiser key rides on a call: {@code params._meta["io.aegis/sanitizer_key"]}. */
  static final String SANITIZER_META = "io.aegis/sanitizer_key";

  /** Seals a proxy-written frame travelling in a direction and returns the action to send it. */
  interface Replies {
    Action reply(Direction towards, byte[] frame);

    Action refuse(Direction direction, Frame frame, ChainStoreException e);
  }

  private final SessionChain chain;
  private final ToolCallGuard guard;
  private final GuardOptions options;
  private final Replies replies;

  ToolCallFlow(SessionChain chain, ToolCallGuard guard, GuardOptions options, Replies replies) {
    this.chain = requireNonNull(chain, "chain");
    this.guard = requireNonNull(guard, "guard");
    this.options = requireNonNull(options, "options");
    this.replies = requireNonNull(replies, "replies");
  }

  /** Handles a tools/call request whose frame is already sealed at {@code frameSeq}. */
  CompletableFuture<Outcomes> propose(Frame frame, long frameSeq) {
    JsonNode params;
    try {
      params = frame.tree().path("params");
    } catch (IOException e) {
      params = Json.object();
    }
    JsonNode name = params.path("name");
    JsonNode args = params.path("arguments");
    if (!name.isTextual() || !(args.isMissingNode() || args.isObject())) {
      byte[] err =
          ErrorFrames.encode(
              frame.id(),
              ProxyError.INVALID_PARAMS,
              "tools/call needs params.name (a string) and params.arguments (an object, if given)",
              null);
      return done(new Outcomes(replies.reply(Direction.SERVER_TO_CLIENT, err), null));
    }
    String tool = name.asText();
    ObjectNode p = Json.object();
    p.put("call_id", frame.id().toJson());
    p.put("tool_name", tool);
    p.set("args", args.isMissingNode() ? Json.object() : args);
    JsonNode key = params.path("_meta").path(SANITIZER_META);
    if (key.isTextual()) {
      p.put("sanitizer_key", key.asText());
    }
    p.put("frame_seq", frameSeq);
    SessionChain.Sealing proposal;
    try {
      proposal = chain.seal(EventType.TOOL_CALL_PROPOSED, p, null);
    } catch (ChainStoreException e) {
      return done(new Outcomes(replies.refuse(Direction.CLIENT_TO_SERVER, frame, e), null));
    }
    long proposalSeq = proposal.seq();
    return guard
        .decide(proposal.sealed().envelope())
        .exceptionally(t -> new GuardDecision(Decision.policyError(), Json.object()))
        .thenCompose(gd -> settle(frame, tool, proposalSeq, gd));
  }

  private CompletableFuture<Outcomes> settle(
      Frame frame, String tool, long proposalSeq, GuardDecision gd) {
    Decision d = gd.decision();
    try {
      ObjectNode dp = trail(frame, tool, proposalSeq);
      dp.put("outcome", d.outcome().wireName());
      dp.put("reason", d.reason());
      dp.set("constraints", d.constraints());
      dp.setAll(gd.evidence());
      long decisionSeq = chain.seal(EventType.POLICY_DECISION, dp, null).seq();
      String decisionId = chain.sessionId() + "/" + decisionSeq;
      boolean allowed = d.outcome() == Outcome.ALLOW;
      ObjectNode verdict = trail(frame, tool, proposalSeq).put("decision_seq", decisionSeq);
      if (allowed) {
        chain.seal(EventType.TOOL_CALL_ALLOWED, verdict, null);
      } else {
        verdict.put("reason", d.reason());
        verdict.put("audit_only", options.audit());
        chain.seal(EventType.TOOL_CALL_DENIED, verdict, null);
      }
      if (!allowed && !options.audit()) {
        byte[] denial = Denials.encode(frame.id(), tool, d, decisionId, options.denyAsError());
        return done(new Outcomes(replies.reply(Direction.SERVER_TO_CLIENT, denial), null));
      }
      ObjectNode executed = trail(frame, tool, proposalSeq).put("decision_seq", decisionSeq);
      SessionChain.Sealing exec = chain.seal(EventType.TOOL_CALL_EXECUTED, executed, null);
      ToolCall call =
          new ToolCall(
              frame.id(),
              tool,
              proposalSeq,
              decisionSeq,
              allowed ? d.constraints().path("max_output_bytes").asLong(0) : 0,
              allowed ? d.constraints().path("timeout_ms").asLong(0) : 0,
              guard.sanitizer(tool) ? Sanitisation.key(frame) : null);
      return exec.durable()
          .handle(
              (ok, err) ->
                  err == null
                      ? new Outcomes(Action.forward(), call)
                      : new Outcomes(
                          replies.refuse(
                              Direction.CLIENT_TO_SERVER, frame, ProxySession.storeError(err)),
                          null));
    } catch (ChainStoreException e) {
      return done(new Outcomes(replies.refuse(Direction.CLIENT_TO_SERVER, frame, e), null));
    }
  }

  /** Seals TOOL_RESULT for the server's answer to a forwarded call (best effort). */
  void result(Frame response, ToolCall call) {
    result(response, call, false);
  }

  /**
   * Seals TOOL_RESULT; {@code withheld} marks an answer larger than the call's max_output_bytes,
   * which the client does not get (its digest and the frame itself are still sealed).
   */
  void result(Frame response, ToolCall call, boolean withheld) {
    JsonNode tree;
    try {
      tree = response.tree();
    } catch (IOException e) {
      return;
    }
    JsonNode body = tree.has("error") ? tree.get("error") : tree.path("result");
    boolean isError = tree.has("error") || body.path("isError").asBoolean(false);
    ObjectNode p = Json.object();
    p.put("call_id", call.id().toJson());
    p.put("tool_name", call.toolName());
    p.put("proposal_seq", call.proposalSeq());
    p.put("is_error", isError);
    p.put("result_sha256", EnvelopeHasher.hashOf(body));
    if (withheld) {
      p.put("withheld", true);
      p.put("frame_bytes", response.length());
      p.put("max_output_bytes", call.maxOutputBytes());
    } else if (guard.fingerprints(call.toolName())) {
      Fingerprints.ofAnswer(tree).writeTo(p);
    }
    try {
      chain.seal(EventType.TOOL_RESULT, p, null);
      if (call.sanitizeKey() != null && !withheld && !isError) {
        chain.seal(EventType.SANITIZED, Sanitisation.payload(call), null);
      }
    } catch (ChainStoreException e) {
      // the chain is broken; ProxySession already refuses new requests
    }
  }

  private static ObjectNode trail(Frame frame, String tool, long proposalSeq) {
    ObjectNode o = Json.object();
    o.put("call_id", frame.id().toJson());
    o.put("tool_name", tool);
    o.put("proposal_seq", proposalSeq);
    return o;
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** The action for the frame, and the call to remember when it is forwarded. */
  record Outcomes(Action action, ToolCall call) {}
}
