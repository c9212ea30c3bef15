package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.json.Json;
import dev.aegis.core.pipeline.SessionChain;
import dev.aegis.guard.state.SessionState;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Session routes: {@code GET /v1/sessions} (the store's chains, each marked {@code live} when a
 * proxy beside the API serves it now; {@code live=true} lists only those), {@code GET …/snapshot}
 * (the reducer's state rebuilt from the chain, any session), {@code GET …/verify} (every hash, link
 * and seq), and {@code POST …/sanitize} (seals SANITIZED, only into sessions the server owns).
 * {@code tenant_id} defaults to {@code default}.
 */
final class SessionRoutes {
  private static final String SESSION = "/v1/sessions/(?<id>[^/]+)";

  private final ApiContext ctx;
  private final OwnedSessions owned;
  private final Ingest ingest;

  SessionRoutes(ApiContext ctx, OwnedSessions owned, Ingest ingest) {
    this.ctx = ctx;
    this.owned = owned;
    this.ingest = ingest;
  }

  void install(ControlApi api) {
    api.route("GET", "/v1/sessions", this::list);
    api.route("GET", SESSION + "/snapshot", this::snapshot);
    api.route("GET", SESSION + "/verify", this::verify);
    api.route("POST", SESSION + "/sanitize", this::sanitize);
  }

  private ChainHead head(String tenant, String session) {
    return ctx.store()
        .head(tenant, session)
        .orElseThrow(() -> ApiException.notFound("no such session: " + tenant + "/" + session));
  }

  private void list(ApiExchange x) throws IOException {
    String tenant = x.query("tenant_id", null);
    boolean onlyLive = "true".equals(x.query("live", "false"));
    Map<String, SessionChain> live = new HashMap<>();
    for (SessionChain c : ctx.live().get()) {
      if (tenant == null || tenant.equals(c.tenantId())) {
        live.put(c.tenantId() + "\n" + c.sessionId(), c);
      }
    }
    ArrayNode out = Json.object().arrayNode();
    for (SessionSummary s : ctx.store().sessions(tenant)) {
      SessionChain c = live.remove(s.tenantId() + "\n" + s.sessionId());
      if (onlyLive && c == null) {
        continue;
      }
      ObjectNode o = out.addObject();
      o.put("tenant_id", s.tenantId());
      o.put("session_id", s.sessionId());
      o.put("events", s.events());
      o.put("first_ts_unix_ms", s.firstTsUnixMs());
      o.put("last_ts_unix_ms", s.lastTsUnixMs());
      o.put("last_event_type", s.lastEventType());
      o.put("status", s.status());
      o.put("live", c != null);
    }
    for (SessionChain c : live.values()) { // opened since the store was listed
      out.addObject()
          .put("tenant_id", c.tenantId())
          .put("session_id", c.sessionId())
          .put("status", "open")
          .put("live", true);
    }
    ObjectNode body = Json.object();
    body.set("sessions", out);
    x.send(200, body);
  }

  private void snapshot(ApiExchange x) throws IOException {
    String tenant = x.query("tenant_id", "default");
    String session = x.pathParam("id");
    head(tenant, session);
    SessionState state = ctx.newState();
    long[] last = {-1, 0};
    ctx.store()
        .read(
            tenant,
            session,
            r -> {
              Envelope e = EnvelopeHasher.parse(r.sealed());
              state.apply(e);
              last[0] = e.seq();
              last[1] = e.tsUnixMs();
            });
    ObjectNode o = Json.object();
    o.put("tenant_id", tenant);
    o.put("session_id", session);
    o.put("last_seq", last[0]);
    o.put("ts_unix_ms", last[1]);
    o.set("state", state.toJson());
    o.put("snapshot_hash", state.hash());
    x.send(200, o);
  }

  private void verify(ApiExchange x) throws IOException {
    String tenant = x.query("tenant_id", "default");
    String session = x.pathParam("id");
    head(tenant, session);
    ChainVerifier v = new ChainVerifier(tenant, session);
    ctx.store().read(tenant, session, v::accept);
    VerifyResult r = v.result();
    ObjectNode o = Json.object();
    o.put("tenant_id", tenant);
    o.put("session_id", session);
    o.put("valid", r.valid());
    o.put("events", r.events());
    if (r.valid()) {
      o.put("head_hash", r.headHash());
    } else {
      o.put("first_bad_seq", r.firstBadSeq());
      o.put("reason", r.reason());
    }
    x.send(200, o);
  }

  private void sanitize(ApiExchange x) throws IOException {
    ObjectNode body = x.jsonBody();
    String tenant = body.path("tenant_id").asText("default");
    String session = x.pathParam("id");
    String key = EventJson.id(body, "key");
    head(tenant, session);
    OwnedSession s = owned.get(tenant, session);
    ObjectNode out;
    synchronized (s) {
      if (s.proxyChain) {
        throw ApiException.conflict(
            "SESSION_NOT_OWNED",
            "session "
                + tenant
                + "/"
                + session
                + " is written by an aegis-proxy: sanitise through a sanitiser tool there");
      }
      ObjectNode p = Json.object();
      p.put("key", key);
      p.put("source", "control-api");
      JsonNode note = body.get("note");
      if (note != null && note.isTextual()) {
        p.put("note", note.textValue());
      }
      Envelope e = ingest.sealNext(s, EventType.SANITIZED.name(), p, ctx.clock().millis(), "");
      out = Json.object().put("seq", e.seq()).put("hash", s.headHash).put("key", key);
    }
    x.send(201, out);
  }
}
