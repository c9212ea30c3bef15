package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.approval.ApprovalStatus;
import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.approval.ArgsDiff;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.event.Hex;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Obtains an approval for a call the policy marked {@code require_approval}, by the first channel
 * the client allows:
 *
 * <ol>
 *   <li>a retry that carries a verified answer: an MRTR {@code requestState} of ours with the
 *       user's answer in {@code inputResponses} (2026-07-28), or an operator token in {@code
 *       _meta["io.aegis/approval_token"]};
 *   <li>2026-07-28 clients that declared elicitation: an {@code input_required} result asking the
 *       user, with an HMAC-signed {@code requestState} bound to session, tool, argument digest and
 *       expiry (single-use: its nonce is sealed when redeemed);
 *   <li>everyone else: a persisted token an operator decides with {@code aegisctl approve}; the
 *       call is held (with progress notifications when the client gave a progressToken) and, for
 *       2025 clients that declared elicitation, the user is asked with {@code elicitation/create}
 *       at the same time. Whoever decides first wins. When the wait ends undecided the client gets
 *       APPROVAL_REQUIRED with the token and may retry with it.
 * </ol>
 *
 * Seals APPROVAL_REQUESTED and APPROVAL_DECIDED. Thread-safe; blocking store calls run on the
 * approvals executor, never on the caller's thread.
 */
final class ApprovalFlow {
  private static final System.Logger LOG = System.getLogger(ApprovalFlow.class.getName());

  /** Where a retry carries an operator token. */
  static final String TOKEN_META = "io.aegis/approval_token";

  /** The key of the proxy's question in {@code inputRequests} / {@code inputResponses}. */
  static final String INPUT_KEY = "io.aegis/approval";

  /** The first protocol version with multi round-trip requests. */
  static final String MRTR_VERSION = "2026-07-28";

  private static final String VERSION_META = "io.modelcontextprotocol/protocolVersion";
  private static final String CAPS_META = "io.modelcontextprotocol/clientCapabilities";
  private static final long PROGRESS_EVERY_MS = 5000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the flow needs from its session: the client's declared abilities and a way to ask it. */
  interface Client {
    /** True if the client declared elicitation at initialize (2025 protocol versions). */
    boolean elicitation();

    /** The protocol version the client asked for at initialize, or null. */
    String protocolVersion();

    /** Sends a request to the client; completes with its response tree or exceptionally. */
    CompletableFuture<JsonNode> ask(String method, ObjectNode params, Duration timeout);

    /** Seals and sends a notification to the client. */
    void notify(byte[] frame);
  }

  /** How the approval ended. */
  enum Kind {
    APPROVED,
    DENIED,
    /** Undecided: the client gets APPROVAL_REQUIRED, with a token to retry with if there is one. */
    PENDING,
    /** The client gets {@code result} (an MRTR input_required result). */
    INPUT_REQUIRED
  }

  /**
   * The verdict. {@code finalArgs} are the arguments to run with when approved (edited or not);
   * {@code rewrite} says the forwarded frame must be rewritten (edited arguments, or the proxy's
   * own MRTR fields to strip); {@code result} is the input_required result for {@link
   * Kind#INPUT_REQUIRED}; {@code note} is shown to the client on refusals.
   */
  record Verdict(
      Kind kind,
      String channel,
      String token,
      long expiresUnixMs,
      JsonNode finalArgs,
      boolean rewrite,
      ObjectNode result,
      String note) {}

  private final SessionChain chain;
  private final ApprovalSettings settings;
  private final Client client;
  private final ScheduledExecutorService executor;
  private final Set<String> usedNonces = ConcurrentHashMap.newKeySet();

  ApprovalFlow(
      SessionChain chain,
      ApprovalSettings settings,
      Client client,
      ScheduledExecutorService executor) {
    this.chain = requireNonNull(chain, "chain");
    this.settings = requireNonNull(settings, "settings");
    this.client = requireNonNull(client, "client");
    this.executor = requireNonNull(executor, "executor");
  }

  /** True if the request's {@code _meta} speaks 2026-07-28 or later (multi round-trip requests). */
  static boolean multiRoundTrip(JsonNode params) {
    return params.path("_meta").path(VERSION_META).asText("").compareTo(MRTR_VERSION) >= 0;
  }

  /** Remembers redeemed MRTR states (also those sealed before a restart). */
  void observe(Envelope e) {
    if ("APPROVAL_DECIDED".equals(e.eventType()) && e.payload().path("state_nonce").isTextual()) {
      usedNonces.add(e.payload().get("state_nonce").asText());
    }
  }

  /** Obtains a verdict for the call; the future never fails. */
  CompletableFuture<Verdict> obtain(Frame frame, JsonNode params, Trail trail) {
    JsonNode args = params.path("arguments").isObject() ? params.get("arguments") : Json.object();
    String argsSha = EnvelopeHasher.hashOf(args);
    String state =
        params.path("requestState").isTextual() ? params.get("requestState").asText() : null;
    String rejected = null;
    if (ApprovalSigner.isOurState(state)) {
      Optional<Verdict> v = redeemState(state, params, args, argsSha, trail);
      if (v.isPresent()) {
        return CompletableFuture.completedFuture(v.get());
      }
      rejected = "the request state was invalid, expired or already used";
    }
    JsonNode tokenNode = params.path("_meta").path(TOKEN_META);
    String given = tokenNode.isTextual() ? tokenNode.asText() : null;
    String why = rejected;
    CompletableFuture<Verdict> result =
        CompletableFuture.supplyAsync(
                () -> {
                  if (given != null) {
                    return redeemToken(given, params, args, argsSha, trail);
                  }
                  return fresh(params, args, argsSha, trail, why);
                },
                executor)
            .thenCompose(f -> f);
    return result.exceptionally(
        t -> {
          LOG.log(System.Logger.Level.ERROR, "approval for " + trail.tool() + " failed: " + t, t);
          return new Verdict(Kind.PENDING, "none", null, 0, null, false, null, "" + t.getMessage());
        });
  }

  /** The sealed identity of one call: its tool, id and seqs. */
  record Trail(String tool, String callId, long proposalSeq, long decisionSeq) {
    ObjectNode payload() {
      ObjectNode o = Json.object();
      o.put("call_id", callId);
      o.put("tool_name", tool);
      o.put("proposal_seq", proposalSeq);
      o.put("decision_seq", decisionSeq);
      return o;
    }
  }

  // ---- retries ----

  private Optional<Verdict> redeemState(
      String state, JsonNode params, JsonNode args, String argsSha, Trail trail) {
    Optional<ObjectNode> opened = settings.signer().openState(state);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode s = opened.get();
    long now = settings.clock().millis();
    String nonce = s.path("nonce").asText("");
    boolean bound =
        chain.tenantId().equals(s.path("tenant_id").asText())
            && chain.sessionId().equals(s.path("session_id").asText())
            && trail.tool().equals(s.path("tool_name").asText())
            && argsSha.equals(s.path("args_sha256").asText())
            && now < s.path("expires_unix_ms").asLong(0)
            && !nonce.isEmpty()
            && usedNonces.add(nonce);
    if (!bound) {
      return Optional.empty();
    }
    JsonNode answer = params.path("inputResponses").path(INPUT_KEY);
    boolean approve =
        "accept".equals(answer.path("action").asText())
            && "approve".equals(answer.path("content").path("decision").asText());
    ObjectNode p = trail.payload();
    p.put("channel", "mrtr");
    p.put("approved", approve);
    p.put("decided_by", "client (input_required)");
    p.put("state_nonce", nonce);
    p.put("answer_action", answer.path("action").asText("missing"));
    seal(EventType.APPROVAL_DECIDED, p);
    Kind kind = approve ? Kind.APPROVED : Kind.DENIED;
    String note = approve ? null : "the user did not approve the call";
    return Optional.of(new Verdict(kind, "mrtr", null, 0, args, true, null, note));
  }

  private CompletableFuture<Verdict> redeemToken(
      String token, JsonNode params, JsonNode args, String argsSha, Trail trail) {
    ApprovalStore store = settings.store();
    String problem;
    if (store == null) {
      problem = "this proxy has no approval store";
    } else if (!ApprovalSigner.looksLikeToken(token)) {
      problem = "not an approval token";
    } else {
      Optional<ApprovalRecord> found = store.find(token);
      ApprovalRecord r = found.orElse(null);
      long now = settings.clock().millis();
      if (r == null) {
        problem = "unknown token";
      } else if (!settings.signer().verifies(r)
          || !r.tenantId().equals(chain.tenantId())
          || !r.sessionId().equals(chain.sessionId())
          || !r.toolName().equals(trail.tool())
          || !r.argsSha256().equals(argsSha)) {
        problem = "the token belongs to another call";
      } else if (r.status() == ApprovalStatus.DENIED) {
        return CompletableFuture.completedFuture(decided(r, trail, "token", false, args));
      } else if (r.status() == ApprovalStatus.PENDING && !r.expiredAt(now)) {
        return hold(r, params, trail, args, null); // still undecided: wait for it again
      } else if (r.expiredAt(now)) {
        problem = "the token expired";
      } else if (r.usedUnixMs() != 0 || !store.consume(token, now)) {
        problem = "the token was already used";
      } else {
        return CompletableFuture.completedFuture(decided(r, trail, "token", true, args));
      }
    }
    return fresh(params, args, argsSha, trail, "approval token rejected: " + problem);
  }

  // ---- new requests ----

  private CompletableFuture<Verdict> fresh(
      JsonNode params, JsonNode args, String argsSha, Trail trail, String rejected) {
    JsonNode meta = params.path("_meta");
    boolean mrtr = multiRoundTrip(params);
    if (mrtr && meta.path(CAPS_META).path("elicitation").isObject()) {
      return CompletableFuture.completedFuture(inputRequired(args, argsSha, trail, rejected));
    }
    ApprovalStore store = settings.store();
    long now = settings.clock().millis();
    long expires = now + settings.ttl().toMillis();
    if (store == null) {
      ObjectNode p = trail.payload();
      p.put("channel", "none");
      if (rejected != null) {
        p.put("rejected", rejected);
      }
      seal(EventType.APPROVAL_REQUESTED, p);
      return CompletableFuture.completedFuture(
          new Verdict(Kind.PENDING, "none", null, 0, null, false, null, rejected));
    }
    String token =
        settings
            .signer()
            .token(chain.tenantId(), chain.sessionId(), trail.tool(), argsSha, expires);
    ApprovalRecord r =
        ApprovalRecord.pending(
            token,
            chain.tenantId(),
            chain.sessionId(),
            trail.callId(),
            trail.tool(),
            args,
            argsSha,
            trail.proposalSeq(),
            now,
            expires);
    store.create(r);
    ObjectNode p = trail.payload();
    p.put("channel", client.elicitation() && !mrtr ? "operator+elicitation" : "operator");
    p.put("approval_token", token);
    p.put("args_sha256", argsSha);
    p.put("expires_unix_ms", expires);
    if (rejected != null) {
      p.put("rejected", rejected);
    }
    seal(EventType.APPROVAL_REQUESTED, p);
    return hold(r, params, trail, args, rejected);
  }

  private Verdict inputRequired(JsonNode args, String argsSha, Trail trail, String rejected) {
    long expires = settings.clock().millis() + settings.ttl().toMillis();
    byte[] n = new byte[12];
    RANDOM.nextBytes(n);
    String nonce = Hex.of(n);
    ObjectNode s = Json.object();
    s.put("v", 1);
    s.put("tenant_id", chain.tenantId());
    s.put("session_id", chain.sessionId());
    s.put("tool_name", trail.tool());
    s.put("args_sha256", argsSha);
    s.put("expires_unix_ms", expires);
    s.put("nonce", nonce);
    ObjectNode result = Json.object();
    result.put("resultType", "input_required");
    ObjectNode ask = result.putObject("inputRequests").putObject(INPUT_KEY);
    ask.put("method", "elicitation/create");
    ask.set("params", question(trail.tool(), args, true));
    result.put("requestState", settings.signer().requestState(s));
    ObjectNode p = trail.payload();
    p.put("channel", "mrtr");
    p.put("args_sha256", argsSha);
    p.put("expires_unix_ms", expires);
    p.put("state_nonce", nonce);
    if (rejected != null) {
      p.put("rejected", rejected);
    }
    seal(EventType.APPROVAL_REQUESTED, p);
    return new Verdict(Kind.INPUT_REQUIRED, "mrtr", null, expires, null, false, result, null);
  }

  /** The elicitation asking the user to approve or deny a call. */
  private static ObjectNode question(String tool, JsonNode args, boolean withMode) {
    ObjectNode params = Json.object();
    if (withMode) {
      params.put("mode", "form");
    }
    String shown = Json.write(args);
    if (shown.length() > 2000) {
      shown = shown.substring(0, 2000) + "…";
    }
    params.put(
        "message",
        "Aegis: the agent wants to call the tool '"
            + tool
            + "', which the capability manifest puts under approval. Arguments: "
            + shown);
    ObjectNode schema = params.putObject("requestedSchema");
    schema.put("type", "object");
    ObjectNode decision = schema.putObject("properties").putObject("decision");
    decision.put("type", "string");
    decision.put("title", "Decision");
    decision.put("description", "approve runs the call once; deny refuses it");
    decision.putArray("enum").add("approve").add("deny");
    schema.putArray("required").add("decision");
    return params;
  }

  // ---- holding ----

  private CompletableFuture<Verdict> hold(
      ApprovalRecord r, JsonNode params, Trail trail, JsonNode args, String note) {
    CompletableFuture<Verdict> out = new CompletableFuture<>();
    long waitMs = settings.holdFor().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    JsonNode progressToken = params.path("_meta").path("progressToken");
    if (waitMs == 0) {
      out.complete(pending(r, note));
      return out;
    }
    if (client.elicitation()) {
      boolean withMode = String.valueOf(client.protocolVersion()).compareTo("2025-11-25") >= 0;
      client
          .ask("elicitation/create", question(trail.tool(), args, withMode), settings.holdFor())
          .whenCompleteAsync((answer, err) -> elicited(r, trail, args, answer, err, out), executor);
    }
    if (!progressToken.isMissingNode() && !progressToken.isNull()) {
      progress(progressToken, r, 0);
    }
    poll(r, trail, args, deadline, progressToken, 1, note, out);
    return out;
  }

  private void poll(
      ApprovalRecord r,
      Trail trail,
      JsonNode args,
      long deadline,
      JsonNode progressToken,
      int ticks,
      String note,
      CompletableFuture<Verdict> out) {
    if (out.isDone()) {
      return;
    }
    try {
      ApprovalRecord now = settings.store().find(r.token()).orElse(r);
      if (now.status() == ApprovalStatus.APPROVED) {
        if (settings.store().consume(r.token(), settings.clock().millis())) {
          out.complete(decided(now, trail, "operator", true, args));
        } else {
          out.complete(pending(now, "the approval was already used"));
        }
        return;
      }
      if (now.status() == ApprovalStatus.DENIED) {
        out.complete(decided(now, trail, "operator", false, args));
        return;
      }
    } catch (ChainStoreException e) {
      LOG.log(System.Logger.Level.WARNING, "approval store: " + e.getMessage());
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      out.complete(pending(r, note));
      return;
    }
    long pollMs = settings.poll().toMillis();
    long every = Math.max(1, PROGRESS_EVERY_MS / pollMs);
    if (!progressToken.isMissingNode() && !progressToken.isNull() && ticks % every == 0) {
      progress(progressToken, r, (int) (ticks / every));
    }
    long delay = Math.min(pollMs, TimeUnit.NANOSECONDS.toMillis(left) + 1);
    executor.schedule(
        () -> poll(r, trail, args, deadline, progressToken, ticks + 1, note, out),
        delay,
        TimeUnit.MILLISECONDS);
  }

  private void elicited(
      ApprovalRecord r,
      Trail trail,
      JsonNode args,
      JsonNode answer,
      Throwable err,
      CompletableFuture<Verdict> out) {
    if (out.isDone()) {
      return;
    }
    if (err != null || answer == null || !answer.has("result")) {
      LOG.log(
          System.Logger.Level.INFO,
          "elicitation for approval "
              + r.token()
              + " gave no answer ("
              + (err != null ? err.getMessage() : "error response")
              + "); waiting for an operator");
      return;
    }
    JsonNode res = answer.get("result");
    boolean approve =
        "accept".equals(res.path("action").asText())
            && "approve".equals(res.path("content").path("decision").asText());
    try {
      long now = settings.clock().millis();
      ApprovalStore.Decided d =
          settings.store().decide(r.token(), approve, null, "client (elicitation)", null, now);
      if (d.outcome() == ApprovalStore.Outcome.DECIDED && approve) {
        settings.store().consume(r.token(), now);
      }
      // an operator may have been first: the next poll reads the stored decision
      if (d.outcome() == ApprovalStore.Outcome.DECIDED) {
        out.complete(decided(d.record(), trail, "elicitation", approve, args));
      }
    } catch (ChainStoreException e) {
      LOG.log(System.Logger.Level.WARNING, "approval store: " + e.getMessage());
    }
  }

  private void progress(JsonNode token, ApprovalRecord r, int n) {
    ObjectNode p = Json.object();
    p.set("progressToken", token);
    p.put("progress", n);
    p.put(
        "message",
        "Aegis: waiting for approval of '"
            + r.toolName()
            + "' — an operator can run: aegisctl approve "
            + r.token());
    String frame =
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
            + Json.write(p)
            + "}";
    client.notify(frame.getBytes(StandardCharsets.UTF_8));
  }

  // ---- outcomes ----

  private Verdict decided(
      ApprovalRecord r, Trail trail, String channel, boolean approved, JsonNode args) {
    ObjectNode p = trail.payload();
    p.put("approval_token", r.token());
    p.put("channel", channel);
    p.put("approved", approved);
    p.put("decided_by", r.decidedBy() == null ? "unknown" : r.decidedBy());
    if (r.message() != null) {
      p.put("message", r.message());
    }
    boolean edited = approved && r.editedArgs() != null && !r.editedArgs().equals(args);
    if (edited) {
      p.set("args_diff", ArgsDiff.of(args, r.editedArgs()));
    }
    seal(EventType.APPROVAL_DECIDED, p);
    if (!approved) {
      String note =
          "denied by "
              + p.get("decided_by").asText()
              + (r.message() == null ? "" : ": " + r.message());
      return new Verdict(Kind.DENIED, channel, r.token(), 0, null, false, null, note);
    }
    return new Verdict(
        Kind.APPROVED, channel, r.token(), 0, edited ? r.editedArgs() : args, edited, null, null);
  }

  private static Verdict pending(ApprovalRecord r, String note) {
    return new Verdict(
        Kind.PENDING, "operator", r.token(), r.expiresUnixMs(), null, false, null, note);
  }

  private void seal(EventType type, ObjectNode payload) {
    chain.seal(type, payload, null);
  }
}
