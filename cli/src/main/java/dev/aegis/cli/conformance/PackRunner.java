package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.core.taint.Fingerprints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs packs against a control API: a stateless case through {@code POST /v1/policy/decide} with
 * {@code {event, snapshot, manifest}}; a multi-step case by ingesting every step but the last into
 * a fresh session through {@code POST /v1/events} and deciding the last one statefully through
 * {@code POST /v1/policy/decide} (the server's manifest applies: it must be the pack's {@code
 * session_manifest}). Cases are run one at a time; not thread-safe. A case the target cannot answer
 * is an error result, never an exception.
 */
public final class PackRunner {
  /** Timestamps of steps without one: the n-th step at this plus n seconds. */
  static final long BASE_TS_MS = 1_700_000_000_000L;

  /** The tenant multi-step cases are ingested under. */
  static final String TENANT = "conformance";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI base;
  private final String token;
  private final Decider direct;

  /** Decides one policy input in process; answers the decision's JSON. */
  @FunctionalInterface
  public interface Decider {
    /** The decision for {@code input}; never throws for an odd input (that is a decision too). */
    JsonNode decide(ObjectNode input);
  }

  /**
   * A runner against the control API at {@code base}, with a bearer token or null; {@code direct},
   * when not null, decides the stateless cases instead of the API (so no case is skipped).
   */
  public PackRunner(HttpClient http, URI base, String token, Decider direct) {
    this.http = http;
    this.base = base;
    this.token = token;
    this.direct = direct;
  }

  /**
   * Waits until the API's {@code GET /readyz} answers 200 (its policy engine loads in the
   * background), at most {@code timeout}; an unreachable or never-ready API throws {@link
   * IOException}.
   */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(base.resolve("/readyz")).timeout(TIMEOUT).GET().build();
    while (true) {
      HttpResponse<String> r;
      try {
        r = http.send(probe, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new IOException("cannot reach " + base + ": " + e, e);
      }
      if (r.statusCode() == 200) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(base + " is not ready: " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(100);
    }
  }

  /** Runs every case of a pack in order. */
  public PackResult run(Pack pack) {
    List<CaseResult> results = new ArrayList<>();
    for (PackCase c : pack.cases()) {
      results.add(run(pack, c));
    }
    return new PackResult(pack, results);
  }

  private CaseResult run(Pack pack, PackCase c) {
    try {
      JsonNode decision;
      if (c.stateful()) {
        decision = session(pack, c);
      } else if (direct != null) {
        decision = direct.decide(c.input().deepCopy());
      } else {
        String why = inexpressible(c.input());
        if (why != null) {
          return new CaseResult(c, CaseResult.Status.SKIPPED, null, null, why);
        }
        decision = post("/v1/policy/decide", c.input());
      }
      String mismatch = c.mismatch(decision);
      return new CaseResult(
          c,
          mismatch == null ? CaseResult.Status.PASSED : CaseResult.Status.FAILED,
          decision.path("outcome").asText(null),
          decision.path("reason").asText(null),
          mismatch);
    } catch (IOException e) {
      return new CaseResult(c, CaseResult.Status.ERROR, null, null, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new CaseResult(c, CaseResult.Status.ERROR, null, null, "interrupted");
    }
  }

  /**
   * Why an input cannot be sent to /v1/policy/decide as it is, or null: the API needs an object
   * event, an object (or absent) snapshot, and substitutes its own manifest when none is given.
   */
  static String inexpressible(ObjectNode input) {
    if (!input.path("event").isObject()) {
      return "the API takes only an object event";
    }
    JsonNode snapshot = input.get("snapshot");
    if (snapshot != null && !snapshot.isNull() && !snapshot.isObject()) {
      return "the API takes only an object snapshot";
    }
    if (!input.path("manifest").isObject()) {
      return "without an object manifest the API decides under its own manifest";
    }
    return null;
  }

  private JsonNode session(Pack pack, PackCase c) throws IOException, InterruptedException {
    String session = "conf-" + c.id().toLowerCase(java.util.Locale.ROOT) + "-" + UUID.randomUUID();
    List<ObjectNode> steps = c.steps();
    for (int i = 0; i < steps.size(); i++) {
      ObjectNode step = steps.get(i).deepCopy();
      if (!step.has("ts_unix_ms")) {
        step.put("ts_unix_ms", BASE_TS_MS + 1000L * i);
      }
      if (!step.has("payload")) {
        step.set("payload", Json.object());
      }
      fingerprint(step);
      if (i < steps.size() - 1) {
        step.put("tenant_id", TENANT);
        step.put("session_id", session);
        post("/v1/events", step);
      } else {
        ObjectNode body = Json.object();
        body.put("tenant_id", TENANT);
        body.put("session_id", session);
        body.set("event", step);
        return post("/v1/policy/decide", body);
      }
    }
    throw new IllegalStateException("a multi-step case without steps: " + pack.name());
  }

  /**
   * Replaces a TOOL_RESULT step's {@code payload.answer} (the tool result the client saw) with the
   * fingerprints the proxy seals for it in flow taint mode ({@link Fingerprints#ofAnswer}), so a
   * pack states content, not hashes.
   */
  static void fingerprint(ObjectNode step) {
    JsonNode payload = step.get("payload");
    if (payload instanceof ObjectNode p && p.has("answer")) {
      ObjectNode response = Json.object().put("jsonrpc", "2.0").put("id", 0);
      response.set("result", p.remove("answer"));
      Fingerprints.ofAnswer(response).writeTo(p);
    }
  }

  private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    JsonNode doc = Json.MAPPER.readTree(r.body());
    if (doc == null || !doc.isObject()) {
      throw new IOException("POST " + path + " answered no JSON object");
    }
    return doc;
  }
}
