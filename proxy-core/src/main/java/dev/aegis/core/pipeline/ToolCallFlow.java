package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalSigner;
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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The sealed trail of one client {@code tools/call}: TOOL_CALL_PROPOSED → POLICY_DECISION →
 * TOOL_CALL_ALLOWED or TOOL_CALL_DENIED → TOOL_CALL_EXECUTED (durable before the call is forwarded)
 * → TOOL_RESULT when the server answers (with content fingerprints when the guard asks for them) →
 * SANITIZED when a sanitiser call succeeds; a call the policy puts under approval goes through
 * {@link ApprovalFlow} (APPROVAL_REQUESTED → APPROVAL_DECIDED) between the decision and the
 * verdict. A call the {@link RateLimiter} refuses ends right after its proposal: TOOL_CALL_PROPOSED
 * → TOOL_CALL_DENIED (reason RATE_LIMITED, with the empty bucket), no POLICY_DECISION since the
 * engine is not asked. Thread-safe: sealing is serialised by the chain; decisions complete on the
 * engine's threads.
 */
final class ToolCallFlow {
  /** Where a sanitiser key rides on a call: {@code params._meta["io.aegis/sanitizer_key"]}. */
  static final String SANITIZER_META = "io.aegis/sanitizer_key";

  /** The reason of a call refused by the rate limiter. */
  static final String RATE_LIMITED = "RATE_LIMITED";

  /** Seals a proxy-written frame travelling in a direction and returns the action to send it. */
  interface Replies {
    Action reply(Direction towards, byte[] frame);

    Action refuse(Direction direction, Frame frame, ChainStoreException e);

    /** True if the client gave up the held call with this id (its connection closed). */
    default boolean abandoned(Frame frame) {
      return false;
    }
  }

  private final SessionChain chain;
  private final ToolCallGuard guard;
  private final GuardOptions options;
  private final Replies replies;
  private final ApprovalFlow approvals;
  private final RateLimiter limiter;

  ToolCallFlow(
      SessionChain chain,
      ToolCallGuard guard,
      GuardOptions options,
      Replies replies,
      ApprovalFlow approvals,
      RateLimiter limiter) {
    this.limiter = requireNonNull(limiter, "limiter");
    this.approvals = requireNonNull(approvals, "approvals");
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
    JsonNode callParams = params;
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
    RateLimiter.Refusal limited =
        options.audit()
            ? null
            : limiter.tryAcquire(chain.tenantId(), tool, proposal.sealed().envelope().tsUnixMs());
    if (limited != null) {
      return rateLimited(frame, callParams, tool, proposalSeq, limited);
    }
    return guard
        .decide(proposal.sealed().envelope())
        .exceptionally(t -> new GuardDecision(Decision.policyError(), Json.object()))
        .thenCompose(gd -> settle(frame, callParams, tool, proposalSeq, gd));
  }

  private CompletableFuture<Outcomes> settle(
      Frame frame, JsonNode params, String tool, long proposalSeq, GuardDecision gd) {
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
      if (!allowed && !options.audit() && d.outcome() == Outcome.REQUIRE_APPROVAL) {
        ApprovalFlow.Trail t =
            new ApprovalFlow.Trail(tool, frame.id().toJson(), proposalSeq, decisionSeq);
        CompletableFuture<Outcomes> later =
            approvals
                .obtain(frame, params, t)
                .thenCompose(v -> approved(frame, params, tool, proposalSeq, decisionSeq, d, v));
        return done(new Outcomes(Action.consumed(), null, later));
      }
      ObjectNode verdict = trail(frame, tool, proposalSeq).put("decision_seq", decisionSeq);
      if (allowed) {
        chain.seal(EventType.TOOL_CALL_ALLOWED, verdict, null);
      } else {
        verdict.put("reason", d.reason());
        verdict.put("audit_only", options.audit());
        chain.seal(EventType.TOOL_CALL_DENIED, verdict, null);
      }
      if (!allowed && !options.audit()) {
        byte[] denial =
            Denials.encode(
                frame.id(),
                tool,
                d,
                decisionId,
                options.denyAsError(),
                null,
                ApprovalFlow.multiRoundTrip(params));
        return done(new Outcomes(replies.reply(Direction.SERVER_TO_CLIENT, denial), null));
      }
      return execute(frame, tool, proposalSeq, decisionSeq, allowed ? d : null, null, false);
    } catch (ChainStoreException e) {
      return done(new Outcomes(replies.refuse(Direction.CLIENT_TO_SERVER, frame, e), null));
    }
  }

  /**
   * Seals TOOL_CALL_EXECUTED and forwards the call once it is durable: the received bytes, or
   * {@code rewritten} (sealed as the proxy's frame) when an approval changed them. {@code
   * constraints} is null for a call let through in audit mode. A {@code deferred} call (one that
   * waited for an approval) is sent through the session's output, so its action carries the bytes.
   */
  private CompletableFuture<Outcomes> execute(
      Frame frame,
      String tool,
      long proposalSeq,
      long decisionSeq,
      Decision constraints,
      byte[] rewritten,
      boolean deferred) {
    ObjectNode executed = trail(frame, tool, proposalSeq).put("decision_seq", decisionSeq);
    SessionChain.Sealing exec = chain.seal(EventType.TOOL_CALL_EXECUTED, executed, null);
    ToolCall call =
        new ToolCall(
            frame.id(),
            tool,
            proposalSeq,
            decisionSeq,
            constraints != null ? constraints.constraints().path("max_output_bytes").asLong(0) : 0,
            constraints != null ? constraints.constraints().path("timeout_ms").asLong(0) : 0,
            guard.sanitizer(tool) ? Sanitisation.key(frame) : null);
    return exec.durable()
        .handle(
            (ok, err) -> {
              if (err != null) {
                return new Outcomes(
                    replies.refuse(Direction.CLIENT_TO_SERVER, frame, ProxySession.storeError(err)),
                    null);
              }
              Action a =
                  rewritten != null
                      ? replies.reply(Direction.CLIENT_TO_SERVER, rewritten)
                      : deferred
                          ? Action.reply(Direction.CLIENT_TO_SERVER, frame.bytes())
                          : Action.forward();
              return new Outcomes(a, call);
            });
  }

  /** Applies an approval's verdict: forward (perhaps rewritten) or refuse. */
  private CompletableFuture<Outcomes> approved(
      Frame frame,
      JsonNode params,
      String tool,
      long proposalSeq,
      long decisionSeq,
      Decision policy,
      ApprovalFlow.Verdict v) {
    String decisionId = chain.sessionId() + "/" + decisionSeq;
    try {
      ObjectNode verdict = trail(frame, tool, proposalSeq).put("decision_seq", decisionSeq);
      verdict.put("approval_channel", v.channel());
      if (v.token() != null) {
        verdict.put("approval_token", v.token());
      }
      boolean gone = replies.abandoned(frame); // also forgets it
      if (v.kind() == ApprovalFlow.Kind.APPROVED && gone) {
        verdict.put("reason", "CLIENT_GONE"); // approved, but nobody waits for it: not run
        verdict.put("audit_only", false);
        chain.seal(EventType.TOOL_CALL_DENIED, verdict, null);
        return done(new Outcomes(Action.consumed(), null));
      }
      if (v.kind() == ApprovalFlow.Kind.APPROVED) {
        chain.seal(EventType.TOOL_CALL_ALLOWED, verdict, null);
        Decision ok = new Decision(Outcome.ALLOW, "APPROVED", policy.constraints());
        byte[] rewritten = v.rewrite() ? rewrite(frame, v.finalArgs()) : null;
        return execute(frame, tool, proposalSeq, decisionSeq, ok, rewritten, true);
      }
      if (v.kind() == ApprovalFlow.Kind.INPUT_REQUIRED) {
        verdict.put("reason", "APPROVAL_REQUIRED");
        verdict.put("audit_only", false);
        chain.seal(EventType.TOOL_CALL_DENIED, verdict, null);
        String body =
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + frame.id().toJson()
                + ",\"result\":"
                + Json.write(v.result())
                + "}";
        Action a = replies.reply(Direction.SERVER_TO_CLIENT, body.getBytes(StandardCharsets.UTF_8));
        return done(new Outcomes(a, null));
      }
      Decision refusal =
          v.kind() == ApprovalFlow.Kind.DENIED
              ? new Decision(Outcome.DENY, "APPROVAL_DENIED", null)
              : new Decision(Outcome.REQUIRE_APPROVAL, "APPROVAL_REQUIRED", null);
      verdict.put("reason", refusal.reason());
      verdict.put("audit_only", false);
      chain.seal(EventType.TOOL_CALL_DENIED, verdict, null);
      ObjectNode extra = Json.object();
      if (v.kind() == ApprovalFlow.Kind.PENDING && v.token() != null) {
        extra.put("approval_token", v.token());
        extra.put("expires_unix_ms", v.expiresUnixMs());
      }
      if (v.note() != null) {
        extra.put("detail", v.note());
      }
      byte[] denial =
          Denials.encode(
              frame.id(),
              tool,
              refusal,
              decisionId,
              options.denyAsError(),
              extra,
              ApprovalFlow.multiRoundTrip(params));
      return done(new Outcomes(replies.reply(Direction.SERVER_TO_CLIENT, denial), null));
    } catch (ChainStoreException e) {
      return done(new Outcomes(replies.refuse(Direction.CLIENT_TO_SERVER, frame, e), null));
    }
  }

  /**
   * The call as forwarded after an approval: the operator's arguments, without the proxy's own MRTR
   * fields ({@code requestState} and our answer in {@code inputResponses}).
   */
  private static byte[] rewrite(Frame frame, JsonNode args) {
    ObjectNode tree;
    try {
      tree = (ObjectNode) frame.tree(); // a fresh parse: ours to change
    } catch (IOException e) {
      throw new IllegalStateException("a parsed tools/call cannot be re-read", e);
    }
    ObjectNode params = (ObjectNode) tree.get("params");
    params.set("arguments", args);
    String state = params.path("requestState").asText(null);
    if (ApprovalSigner.isOurState(state)) {
      params.remove("requestState");
    }
    if (params.path("inputResponses").isObject()) {
      ObjectNode responses = (ObjectNode) params.get("inputResponses");
      responses.remove(ApprovalFlow.INPUT_KEY);
      if (responses.isEmpty()) {
        params.remove("inputResponses");
      }
    }
    return Json.write(tree).getBytes(StandardCharsets.UTF_8);
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

  /** Seals the rate-limit denial and answers the client with it; the engine is not asked. */
  private CompletableFuture<Outcomes> rateLimited(
      Frame frame, JsonNode params, String tool, long proposalSeq, RateLimiter.Refusal r) {
    try {
      ObjectNode verdict = trail(frame, tool, proposalSeq);
      verdict.put("reason", RATE_LIMITED);
      verdict.put("audit_only", false);
      verdict.set("rate_limit", r.toJson());
      long seq = chain.seal(EventType.TOOL_CALL_DENIED, verdict, null).seq();
      ObjectNode extra = Json.object();
      extra.put("retry_after_ms", r.retryAfterMs());
      extra.put(
          "detail",
          "The "
              + r.scope()
              + " limit "
              + r.limit()
              + " for "
              + r.key()
              + " is reached; retry in "
              + r.retryAfterMs()
              + " ms");
      byte[] denial =
          Denials.encode(
              frame.id(),
              tool,
              new Decision(Outcome.DENY, RATE_LIMITED, null),
              chain.sessionId() + "/" + seq,
              options.denyAsError(),
              extra,
              ApprovalFlow.multiRoundTrip(params));
      return done(new Outcomes(replies.reply(Direction.SERVER_TO_CLIENT, denial), null));
    } catch (ChainStoreException e) {
      return done(new Outcomes(replies.refuse(Direction.CLIENT_TO_SERVER, frame, e), null));
    }
  }

  /**
   * The action for the frame, and the call to remember when it is forwarded. When {@code later} is
   * set the action is {@link Action#consumed()}: the call waits for an approval, and the session
   * acts on {@code later}'s outcomes through its output when it completes.
   */
  record Outcomes(Action action, ToolCall call, CompletableFuture<Outcomes> later) {
    Outcomes(Action action, ToolCall call) {
      this(action, call, null);
    }
  }
}
