package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.json.Json;
import dev.aegis.guard.PolicyGuard;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/policy/decide}. Stateless with {@code {event, snapshot, manifest}} (manifest
 * defaults to the server's; without either, every tool is undeclared). Stateful with {@code
 * {tenant_id, session_id, event}}: the session's chain is replayed through a fresh guard, the event
 * is taken as the next proposal, and the decision uses the reducer's snapshot; nothing is sealed
 * (ingest the proposal through {@code POST /v1/events} to seal it with its decision).
 */
final class DecideRoutes {
  private final ApiContext ctx;

  DecideRoutes(ApiContext ctx) {
    this.ctx = ctx;
  }

  void install(ControlApi api) {
    api.route("POST", "/v1/policy/decide", this::decide);
  }

  private void decide(ApiExchange x) throws IOException {
    ObjectNode body = x.jsonBody();
    JsonNode event = body.get("event");
    if (event == null || !event.isObject()) {
      throw ApiException.badRequest("event: required (a JSON object)");
    }
    x.send(200, body.has("session_id") ? stateful(body, event) : stateless(body, event));
  }

  private ObjectNode stateless(ObjectNode body, JsonNode event) {
    JsonNode snapshot = body.path("snapshot");
    JsonNode manifest = body.get("manifest");
    if (!snapshot.isMissingNode() && !snapshot.isNull() && !snapshot.isObject()) {
      throw ApiException.badRequest("snapshot: expected a JSON object");
    }
    if (manifest != null && !manifest.isNull() && !manifest.isObject()) {
      throw ApiException.badRequest("manifest: expected a JSON object");
    }
    ObjectNode input = Json.object();
    input.set("event", event);
    input.set("snapshot", snapshot.isObject() ? snapshot : Json.object());
    JsonNode m = manifest != null && manifest.isObject() ? manifest : ctx.manifestJson();
    input.set("manifest", m == null ? Json.MAPPER.nullNode() : m);
    Decision d;
    try {
      d =
          ctx.guards()
              .engine()
              .decide(input)
              .orTimeout(Ingest.DECIDE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .exceptionally(t -> Decision.policyError())
              .join();
    } catch (CompletionException e) {
      d = Decision.policyError();
    }
    return d.toJson();
  }

  private ObjectNode stateful(ObjectNode body, JsonNode event) {
    String tenant = body.path("tenant_id").asText("default");
    String session = EventJson.id(body, "session_id");
    PolicyGuard guard = ctx.guards().guard(false);
    ctx.store().read(tenant, session, r -> guard.observe(EnvelopeHasher.parse(r.sealed())));
    ChainHead head = ctx.store().head(tenant, session).orElse(null);
    JsonNode ts = event.path("ts_unix_ms");
    JsonNode payload = event.path("payload");
    Envelope proposal =
        new Envelope(
            tenant,
            event.path("user_id").asText(""),
            session,
            head == null ? 0 : head.seq() + 1,
            ts.isIntegralNumber() ? ts.asLong() : ctx.clock().millis(),
            event.path("event_type").asText("TOOL_CALL_PROPOSED"),
            payload.isObject() ? payload : Json.object(),
            head == null ? null : head.hash());
    Envelope sealed = EnvelopeHasher.seal(proposal).envelope();
    if (!"TOOL_CALL_PROPOSED".equals(sealed.eventType())) {
      throw ApiException.badRequest(
          "event.event_type: stateful decisions are for TOOL_CALL_PROPOSED");
    }
    guard.observe(sealed);
    GuardDecision gd;
    try {
      gd =
          guard
              .decide(sealed)
              .orTimeout(Ingest.DECIDE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
              .exceptionally(t -> new GuardDecision(Decision.policyError(), Json.object()))
              .join();
    } catch (CompletionException e) {
      gd = new GuardDecision(Decision.policyError(), Json.object());
    }
    ObjectNode out = gd.decision().toJson();
    out.put("tenant_id", tenant);
    out.put("session_id", session);
    out.put("as_seq", sealed.seq());
    JsonNode snap = gd.evidence().get("snapshot");
    if (snap != null) {
      out.set("snapshot", snap);
    }
    return out;
  }
}
