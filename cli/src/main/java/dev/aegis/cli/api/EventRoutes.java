package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/events} (ingest, see {@link Ingest}) and {@code GET /v1/events}: a tenant's
 * events in (session, seq) order, optionally of one session and one event type, {@code limit} per
 * page (default 100, at most 1000), continued from an opaque {@code cursor} that names the last
 * (session, seq) returned, so pages never skip or repeat across sessions. A full page that ends a
 * session but not the listing carries a cursor even if no later event matches (the next page is
 * then empty).
 */
final class EventRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final ApiContext ctx;
  private final Ingest ingest;

  EventRoutes(ApiContext ctx, OwnedSessions owned) {
    this.ctx = ctx;
    this.ingest = new Ingest(ctx, owned);
  }

  Ingest ingest() {
    return ingest;
  }

  void install(ControlApi api) {
    api.route("POST", "/v1/events", x -> x.send(201, ingest.ingest(x.jsonBody())));
    api.route("GET", "/v1/events", this::list);
  }

  private void list(ApiExchange x) throws IOException {
    String tenant = x.query("tenant_id", "default");
    String session = x.query("session_id");
    String type = x.query("event_type");
    int limit = x.intQuery("limit", DEFAULT_LIMIT, MAX_LIMIT);
    Cursor after = Cursor.decode(x.query("cursor"));
    List<String> sessions = new ArrayList<>();
    if (session != null) {
      sessions.add(session);
    } else {
      for (SessionSummary s : ctx.store().sessions(tenant)) {
        sessions.add(s.sessionId());
      }
    }
    int start = 0;
    if (after != null) {
      start = sessions.indexOf(after.session());
      if (start < 0) {
        throw ApiException.badRequest("cursor: names a session not in this listing");
      }
    }
    ObjectNode doc = Json.object();
    ArrayNode events = doc.putArray("events");
    String lastSession = null;
    long lastSeq = -1;
    boolean more = false;
    for (int i = start; i < sessions.size() && !more; i++) {
      String sid = sessions.get(i);
      long from = after != null && sid.equals(after.session()) ? after.seq() : -1;
      List<ObjectNode> page = new ArrayList<>();
      int room = limit - events.size();
      boolean[] overflow = {false};
      ctx.store()
          .read(
              tenant,
              sid,
              r -> {
                if (r.seq() <= from || (type != null && !type.equals(r.eventType()))) {
                  return;
                }
                if (page.size() < room) {
                  page.add(EventJson.of(r));
                } else {
                  overflow[0] = true;
                }
              });
      for (ObjectNode e : page) {
        events.add(e);
        lastSession = sid;
        lastSeq = e.get("seq").asLong();
      }
      if (overflow[0] || (events.size() == limit && i < sessions.size() - 1)) {
        more = true;
      }
    }
    doc.put("next_cursor", more ? new Cursor(lastSession, lastSeq).encode() : null);
    x.send(200, doc);
  }

  /** Where a page ended: the last (session, seq) returned. */
  record Cursor(String session, long seq) {
    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((seq + ":" + session).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String s) {
      if (s == null || s.isEmpty()) {
        return null;
      }
      try {
        String t = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
        int colon = t.indexOf(':');
        return new Cursor(t.substring(colon + 1), Long.parseLong(t.substring(0, colon)));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw ApiException.badRequest("cursor: not a cursor this server returned");
      }
    }
  }
}
