package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/aegisd as a real process over a SQLite store, driven over HTTP: the seed's Getting Started,
 * client-sealed chains, pagination, stateless and stateful decisions with a budget crossed through
 * ingested proposals, approvals decided over the API, bearer tokens, error shapes and metrics.
 * Every answer is checked against docs/openapi.yaml, and every documented operation must be
 * exercised.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlApiIT {
  static final String TOKEN = "it-token-7f3a9c";
  static final String VECTOR_SEQ0 =
      "96a74364847ab044ae79404427e5de96b495b1bf65d38a2b030ebd8d5439e12a";

  @TempDir static Path dir;
  static Process aegisd;
  static final StringBuffer log = new StringBuffer();
  static String base;
  static String storeUrl;
  static OpenApiCheck openapi;
  static final List<String> problems = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    openapi = new OpenApiCheck(ProxyProcess.ROOT.resolve("docs/openapi.yaml"));
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(
        manifest,
        """
        {"schema": "aegis.dev/manifest/v0.1", "name": "api-it", "version": "1.0.0",
         "publisher": "aegis",
         "permissions": {"tools": ["read_file", "delete_file"],
                         "budgets": {"max_tool_calls": 2},
                         "approval_required": ["delete_file"]}}
        """);
    storeUrl = "sqlite:" + dir.resolve("chain.db");
    ProcessBuilder pb =
        new ProcessBuilder(
            ProxyProcess.bin("aegisd").toString(),
            "--listen",
            "127.0.0.1:0",
            "--store",
            storeUrl,
            "--manifest",
            manifest.toString());
    pb.environment().put("AEGIS_API_TOKENS", TOKEN);
    pb.redirectErrorStream(true);
    aegisd = pb.start();
    base = ListenLine.await(aegisd, log);
    for (int i = 0; i < 600; i++) { // the Wasm engine loads in the background
      if (call("GET", "/readyz", null, null).status == 200) {
        break;
      }
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    aegisd.destroy();
    aegisd.waitFor(30, TimeUnit.SECONDS);
    assertThat(log.toString()).doesNotContain(TOKEN);
    assertThat(problems).as("answers not as docs/openapi.yaml documents them").isEmpty();
    assertThat(openapi.exercised()).isEqualTo(openapi.operations());
  }

  record Answer(int status, JsonNode body, String text) {}

  static Answer call(String method, String path, Object body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    String payload =
        body == null ? null : body instanceof String s ? s : Json.write((JsonNode) body);
    b.method(
        method,
        payload == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(payload));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      json = Json.MAPPER.readTree(r.body());
      String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      problems.addAll(openapi.check(method, p, r.statusCode(), json));
    } else if (!path.startsWith("/metrics")) {
      problems.add(method + " " + path + ": not JSON");
    } else {
      openapi.check(method, "/metrics", r.statusCode(), null);
    }
    return new Answer(r.statusCode(), json, r.body());
  }

  static Answer api(String method, String path, Object body) throws Exception {
    return call(method, path, body, TOKEN);
  }

  static ObjectNode proposal(String session, String tool, JsonNode args) {
    ObjectNode e = Json.object();
    e.put("tenant_id", "acme");
    e.put("session_id", session);
    e.put("event_type", "TOOL_CALL_PROPOSED");
    e.putObject("payload").put("tool_name", tool).put("call_id", "c-" + tool).set("args", args);
    return e;
  }

  @Test
  @Order(1)
  void gettingStartedIngestsAnEventAndVerifiesTheSession() throws Exception {
    assertThat(call("GET", "/healthz", null, null).body.path("status").asText()).isEqualTo("ok");
    Answer ready = call("GET", "/readyz", null, null);
    assertThat(ready.status).isEqualTo(200);
    ObjectNode e = proposal("sess-001", "read_file", Json.object());
    e.put("seq", 0).put("ts_unix_ms", 1700000000000L);
    ((ObjectNode) e.get("payload")).put("call_id", "c1");
    Answer in = api("POST", "/v1/events", e);
    assertThat(in.status).isEqualTo(201);
    assertThat(in.body.path("hash").asText()).isEqualTo(VECTOR_SEQ0);
    assertThat(in.body.path("decision").path("outcome").asText()).isEqualTo("allow");
    assertThat(in.body.path("next_seq").asLong()).isEqualTo(3); // proposal, decision, verdict
    Answer v = api("GET", "/v1/sessions/sess-001/verify?tenant_id=acme", null);
    assertThat(v.body.path("valid").asBoolean()).isTrue();
    assertThat(v.body.path("events").asLong()).isEqualTo(3);
    Answer list = api("GET", "/v1/events?tenant_id=acme&session_id=sess-001", null);
    List<String> types = new ArrayList<>();
    list.body.path("events").forEach(x -> types.add(x.path("event_type").asText()));
    assertThat(types).containsExactly("TOOL_CALL_PROPOSED", "POLICY_DECISION", "TOOL_CALL_ALLOWED");
    Answer sessions = api("GET", "/v1/sessions?tenant_id=acme", null);
    assertThat(sessions.body.at("/sessions/0/session_id").asText()).isEqualTo("sess-001");
    assertThat(sessions.body.at("/sessions/0/events").asLong()).isEqualTo(3);
    assertThat(sessions.body.at("/sessions/0/live").asBoolean()).as("aegisd serves none").isFalse();
    assertThat(api("GET", "/v1/sessions?live=true", null).body.path("sessions")).isEmpty();
  }

  @Test
  @Order(2)
  void clientSealedEventsAreVerifiedAndStaleHeadsConflict() throws Exception {
    Answer v = api("GET", "/v1/sessions/sess-001/verify?tenant_id=acme", null);
    String head = v.body.path("head_hash").asText();
    Envelope next =
        new Envelope(
            "acme",
            "",
            "sess-001",
            3,
            1700000000005L,
            "TOOL_RESULT",
            Json.object().put("call_id", "c1").put("result", "ok"),
            head);
    String hash = EnvelopeHasher.seal(next).hash();
    ObjectNode body = Json.object();
    body.put("tenant_id", "acme").put("session_id", "sess-001").put("seq", 3);
    body.put("ts_unix_ms", 1700000000005L).put("event_type", "TOOL_RESULT");
    body.set("payload", next.payload());
    body.put("prev_hash", head);
    ObjectNode wrong = body.deepCopy().put("hash", "0".repeat(64));
    Answer bad = api("POST", "/v1/events", wrong);
    assertThat(bad.status).isEqualTo(400);
    assertThat(bad.body.path("error").path("code").asText()).isEqualTo("HASH_MISMATCH");
    body.put("hash", hash);
    Answer ok = api("POST", "/v1/events", body);
    assertThat(ok.status).isEqualTo(201);
    assertThat(ok.body.path("hash").asText()).isEqualTo(hash);
    Answer stale = api("POST", "/v1/events", body.put("seq", 4));
    assertThat(stale.status).isEqualTo(409);
    assertThat(stale.body.path("error").path("code").asText()).isEqualTo("CHAIN_CONFLICT");
  }

  @Test
  @Order(3)
  void budgetIsCrossedThroughIngestedProposalsAndStatefulDecideAgrees() throws Exception {
    for (int i = 0; i < 2; i++) {
      Answer a =
          api("POST", "/v1/events", proposal("budget", "read_file", Json.object().put("n", i)));
      assertThat(a.body.path("decision").path("outcome").asText()).isEqualTo("allow");
    }
    Answer third =
        api("POST", "/v1/events", proposal("budget", "read_file", Json.object().put("n", 2)));
    assertThat(third.body.path("decision").path("reason").asText()).isEqualTo("BUDGET_EXCEEDED");
    ObjectNode req = Json.object().put("tenant_id", "acme").put("session_id", "budget");
    req.set("event", proposal("budget", "read_file", Json.object().put("n", 3)));
    Answer d = api("POST", "/v1/policy/decide", req);
    assertThat(d.body.path("outcome").asText()).isEqualTo("deny");
    assertThat(d.body.path("reason").asText()).isEqualTo("BUDGET_EXCEEDED");
    Answer snap = api("GET", "/v1/sessions/budget/snapshot?tenant_id=acme", null);
    assertThat(snap.body.path("state").path("tool_calls_consumed").asLong()).isEqualTo(2);
    Answer fresh = api("POST", "/v1/policy/decide", req.put("session_id", "nobody-yet"));
    assertThat(fresh.body.path("outcome").asText()).isEqualTo("allow");
  }

  @Test
  @Order(4)
  void statelessDecideUsesTheGivenOrConfiguredManifest() throws Exception {
    ObjectNode req = Json.object();
    req.set("event", proposal("x", "rm", Json.object()));
    req.set("snapshot", Json.object());
    Answer undeclared = api("POST", "/v1/policy/decide", req);
    assertThat(undeclared.body.path("reason").asText()).isEqualTo("PERMISSION_UNDECLARED");
    Answer approval =
        api(
            "POST",
            "/v1/policy/decide",
            req.set("event", proposal("x", "delete_file", Json.object())));
    assertThat(approval.body.path("outcome").asText()).isEqualTo("require_approval");
    ObjectNode m = Json.object();
    m.putObject("permissions").putArray("tools").add("rm");
    req.set("event", proposal("x", "rm", Json.object()));
    req.set("manifest", m);
    assertThat(api("POST", "/v1/policy/decide", req).body.path("outcome").asText())
        .isEqualTo("allow");
  }

  @Test
  @Order(5)
  void listingPagesThroughEverySessionExactlyOnce() throws Exception {
    Set<String> seen = new HashSet<>();
    int total = 0;
    String cursor = null;
    int pages = 0;
    do {
      Answer a =
          api(
              "GET",
              "/v1/events?tenant_id=acme&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
              null);
      for (JsonNode e : a.body.path("events")) {
        assertThat(seen.add(e.path("session_id").asText() + "#" + e.path("seq").asLong())).isTrue();
        total++;
      }
      cursor = a.body.path("next_cursor").isNull() ? null : a.body.path("next_cursor").asText();
      pages++;
    } while (cursor != null && pages < 100);
    long expected = 0;
    for (String s : List.of("sess-001", "budget")) {
      expected +=
          api("GET", "/v1/sessions/" + s + "/verify?tenant_id=acme", null)
              .body
              .path("events")
              .asLong();
    }
    assertThat(total).isEqualTo(expected);
    Answer decisions = api("GET", "/v1/events?tenant_id=acme&event_type=POLICY_DECISION", null);
    assertThat(decisions.body.path("events").size()).isEqualTo(4);
  }

  @Test
  @Order(6)
  void approvalsAreListedAndDecidedOverTheApi() throws Exception {
    String token = "apv1-it-" + System.nanoTime();
    try (ChainStore store = ChainStores.open(storeUrl, Durability.FULL)) {
      long now = System.currentTimeMillis();
      ChainStores.approvals(store)
          .create(
              ApprovalRecord.pending(
                  token,
                  "acme",
                  "held",
                  "7",
                  "delete_file",
                  Json.object().put("path", "/tmp/x"),
                  EnvelopeHasher.hashOf(Json.object().put("path", "/tmp/x")),
                  4,
                  now,
                  now + 600_000));
    }
    Answer list = api("GET", "/v1/approvals?tenant_id=acme", null);
    assertThat(list.body.path("approvals").findValuesAsText("token")).contains(token);
    ObjectNode decide = Json.object().put("decision", "approve").put("by", "alice");
    decide.putObject("args").put("path", "/tmp/y");
    Answer ok = api("POST", "/v1/approvals/" + token, decide);
    assertThat(ok.status).isEqualTo(200);
    assertThat(ok.body.path("approval").path("state").asText()).isEqualTo("approved");
    assertThat(ok.body.path("approval").path("edited_args").path("path").asText())
        .isEqualTo("/tmp/y");
    Answer again = api("POST", "/v1/approvals/" + token, Json.object().put("decision", "deny"));
    assertThat(again.status).isEqualTo(409);
    assertThat(again.body.path("error").path("code").asText()).isEqualTo("ALREADY_DECIDED");
    Answer missing = api("POST", "/v1/approvals/apv1-nope", Json.object().put("decision", "deny"));
    assertThat(missing.status).isEqualTo(404);
  }

  @Test
  @Order(7)
  void sanitizeSealsIntoOwnedSessions() throws Exception {
    Answer s =
        api(
            "POST",
            "/v1/sessions/sess-001/sanitize",
            Json.object().put("tenant_id", "acme").put("key", "doc-1"));
    assertThat(s.status).isEqualTo(201);
    Answer snap = api("GET", "/v1/sessions/sess-001/snapshot?tenant_id=acme", null);
    assertThat(snap.body.path("state").path("sanitized_keys").toString()).contains("doc-1");
    assertThat(
            api("GET", "/v1/sessions/sess-001/verify?tenant_id=acme", null)
                .body
                .path("valid")
                .asBoolean())
        .isTrue();
  }

  @Test
  @Order(8)
  void tokensErrorsAndMetrics() throws Exception {
    Answer noToken = call("GET", "/v1/events?tenant_id=acme", null, null);
    assertThat(noToken.status).isEqualTo(401);
    assertThat(noToken.body.path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(call("GET", "/v1/approvals", null, "wrong").status).isEqualTo(401);
    Answer unknown = api("GET", "/v1/sessions/none/verify", null);
    assertThat(unknown.status).isEqualTo(404);
    assertThat(unknown.body.path("error").path("message").asText()).contains("none");
    assertThat(api("GET", "/v1/sessions/none/snapshot", null).status).isEqualTo(404);
    Answer badJson = api("POST", "/v1/events", "{not json");
    assertThat(badJson.status).isEqualTo(400);
    assertThat(badJson.body.path("error").path("code").asText()).isEqualTo("BAD_REQUEST");
    Answer badType =
        api(
            "POST",
            "/v1/events",
            Json.object().put("tenant_id", "a").put("session_id", "b").put("event_type", "NOPE"));
    assertThat(badType.body.path("error").path("code").asText()).isEqualTo("UNKNOWN_EVENT_TYPE");
    assertThat(api("POST", "/v1/policy/decide", Json.object()).status).isEqualTo(400);
    HttpResponse<String> nowhere =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v2/nowhere"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(nowhere.body()).path("error").path("code").asText())
        .isEqualTo("NOT_FOUND");
    assertThat(call("GET", "/metrics", null, null).status).isEqualTo(401);
    String metrics = api("GET", "/metrics", null).text;
    assertThat(metrics)
        .containsPattern(
            "aegis_decisions_total\\{[^}]*outcome=\"deny\"[^}]*reason=\"BUDGET_EXCEEDED\"[^}]*} [1-9]")
        .contains("aegis_decision_latency_seconds_bucket")
        .contains("aegis_store_commit_seconds_count")
        .contains("aegis_events_ingested_total");
  }
}
