package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Appends client events to sessions the server owns: seals an envelope without a hash, verifies one
 * with a hash, and gates a TOOL_CALL_PROPOSED through the session's guard, sealing POLICY_DECISION
 * and TOOL_CALL_ALLOWED or TOOL_CALL_DENIED right after it (at the proposal's timestamp, so replay
 * reproduces them). Each append waits until durable. Thread-safe: one ingest per session at a time.
 */
final class Ingest {
  /** How long a decision may take before the proposal is denied POLICY_ERROR. */
  static final long DECIDE_TIMEOUT_MS = 10_000;

  private final ApiContext ctx;
  private final OwnedSessions owned;

  Ingest(ApiContext ctx, OwnedSessions owned) {
    this.ctx = ctx;
    this.owned = owned;
  }

  /** Ingests one envelope given as JSON; answers the body of the 201. */
  ObjectNode ingest(ObjectNode body) {
    String tenant = EventJson.id(body, "tenant_id");
    String session = EventJson.id(body, "session_id");
    String type = eventType(body);
    JsonNode userNode = body.path("user_id");
    String user = userNode.isTextual() ? userNode.textValue() : "";
    JsonNode payload = body.has("payload") ? body.get("payload") : Json.MAPPER.nullNode();
    JsonNode tsNode = body.path("ts_unix_ms");
    long ts =
        tsNode.isIntegralNumber() && tsNode.asLong() > 0 ? tsNode.asLong() : ctx.clock().millis();
    String givenHash = EventJson.hash(body, "hash");
    String givenPrev = EventJson.hash(body, "prev_hash");
    JsonNode seqNode = body.get("seq");
    if (seqNode != null && !(seqNode.isIntegralNumber() && seqNode.asLong() >= 0)) {
      throw ApiException.badRequest("seq: expected a non-negative integer");
    }
    OwnedSession s = owned.get(tenant, session);
    synchronized (s) {
      if (s.proxyChain) {
        throw ApiException.conflict(
            "SESSION_NOT_OWNED",
            "session "
                + tenant
                + "/"
                + session
                + " is written by an aegis-proxy; the control API appends only to its own"
                + " sessions");
      }
      long seq = seqNode == null ? s.nextSeq : seqNode.asLong();
      if (seq != s.nextSeq) {
        throw ApiException.conflict(
            "CHAIN_CONFLICT",
            "seq " + seq + " does not continue the chain (next: " + s.nextSeq + ")");
      }
      if (seq == 0 && givenPrev != null) {
        throw ApiException.badRequest("prev_hash: must be absent at seq 0");
      }
      if (seq > 0 && givenPrev != null && !givenPrev.equals(s.headHash)) {
        throw ApiException.conflict(
            "CHAIN_CONFLICT",
            "prev_hash does not match the hash of seq " + (seq - 1) + " (" + s.headHash + ")");
      }
      if (seq > 0 && givenPrev == null && givenHash != null) {
        throw ApiException.badRequest("prev_hash: required with a client-computed hash at seq > 0");
      }
      Envelope e = new Envelope(tenant, user, session, seq, ts, type, payload, s.headHash);
      EnvelopeHasher.Sealed sealed = EnvelopeHasher.seal(e);
      if (givenHash != null && !givenHash.equals(sealed.hash())) {
        throw new ApiException(
            400,
            "HASH_MISMATCH",
            "hash does not match the envelope (server computed " + sealed.hash() + ")");
      }
      append(s, sealed);
      ObjectNode out = Json.object().put("seq", seq).put("hash", sealed.hash());
      if (type.equals(EventType.TOOL_CALL_PROPOSED.name())) {
        out.set("decision", gate(s, sealed.envelope()));
      }
      out.put("next_seq", s.nextSeq);
      out.put("head_hash", s.headHash);
      return out;
    }
  }

  /** Seals one server event after the head; the session's lock is held. */
  Envelope sealNext(OwnedSession s, String type, JsonNode payload, long ts, String user) {
    Envelope e =
        new Envelope(s.tenantId, user, s.sessionId, s.nextSeq, ts, type, payload, s.headHash);
    EnvelopeHasher.Sealed sealed = EnvelopeHasher.seal(e);
    append(s, sealed);
    return sealed.envelope();
  }

  private ObjectNode gate(OwnedSession s, Envelope proposal) {
    GuardDecision gd;
    try {
      gd =
          s.guard
              .decide(proposal)
              .orTimeout(DECIDE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .exceptionally(t -> new GuardDecision(Decision.policyError(), Json.object()))
              .join();
    } catch (CompletionException e) {
      gd = new GuardDecision(Decision.policyError(), Json.object());
    }
    Decision d = gd.decision();
    JsonNode p = proposal.payload();
    ObjectNode dp = trail(p, proposal.seq());
    dp.put("outcome", d.outcome().wireName());
    dp.put("reason", d.reason());
    dp.set("constraints", d.constraints());
    dp.setAll(gd.evidence());
    dp.put("decided_by", "control-api");
    Envelope decision =
        sealNext(s, EventType.POLICY_DECISION.name(), dp, proposal.tsUnixMs(), proposal.userId());
    ObjectNode verdict = trail(p, proposal.seq()).put("decision_seq", decision.seq());
    boolean allowed = d.outcome() == Outcome.ALLOW;
    if (!allowed) {
      verdict.put("reason", d.reason());
      verdict.put("audit_only", false);
    }
    Envelope v =
        sealNext(
            s,
            allowed ? EventType.TOOL_CALL_ALLOWED.name() : EventType.TOOL_CALL_DENIED.name(),
            verdict,
            proposal.tsUnixMs(),
            proposal.userId());
    ObjectNode out = d.toJson();
    out.put("decision_seq", decision.seq());
    out.put("verdict_seq", v.seq());
    return out;
  }

  private static ObjectNode trail(JsonNode proposal, long proposalSeq) {
    ObjectNode o = Json.object();
    o.set(
        "call_id",
        proposal.path("call_id").isMissingNode()
            ? Json.MAPPER.nullNode()
            : proposal.get("call_id"));
    o.put("tool_name", proposal.path("tool_name").asText(""));
    o.put("proposal_seq", proposalSeq);
    return o;
  }

  private void append(OwnedSession s, EnvelopeHasher.Sealed sealed) {
    try {
      ctx.store().append(ChainRecord.of(sealed, null)).join();
    } catch (CompletionException | ChainStoreException e) {
      owned.forget(s);
      Throwable c = e instanceof CompletionException ? e.getCause() : e;
      if (c instanceof ChainStoreException cse
          && cse.reason() == ChainStoreException.Reason.CHAIN_CONFLICT) {
        throw ApiException.conflict(
            "CHAIN_CONFLICT", "another writer appended to this chain; retry from its new head");
      }
      throw new ApiException(503, "STORE_UNAVAILABLE", "the chain store failed: " + c.getMessage());
    }
    s.nextSeq = sealed.envelope().seq() + 1;
    s.headHash = sealed.hash();
    s.guard.observe(sealed.envelope());
    ctx.metrics().ingested(sealed.envelope().eventType());
  }

  private static String eventType(JsonNode body) {
    String t = EventJson.id(body, "event_type");
    try {
      EventType.valueOf(t);
      return t;
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          400, "UNKNOWN_EVENT_TYPE", "event_type: " + t + " is not an Aegis event type");
    }
  }
}
