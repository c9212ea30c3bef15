package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EventType;
import dev.aegis.core.event.Hex;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.frame.JsonRpcId;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.guard.ToolCallGuard;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.UpstreamPins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The transport-independent core of one proxied MCP session: seals every frame, decides what the
 * transport does with it, and answers on the proxy's own behalf when it must.
 *
 * <p>Write-ahead: a request (either direction) is forwarded only after its event is durable;
 * notifications and responses are sealed (hashed and queued) before they are forwarded. Threading:
 * {@link #onFrame} may be called from one reader thread per direction; the returned futures
 * complete on store threads, so transports must hop off them before blocking I/O. Callers keep
 * per-direction order by acting on the futures in call order.
 */
public final class ProxySession {
  private static final System.Logger LOG = System.getLogger(ProxySession.class.getName());

  private final SessionChain chain;
  private final ToolCallFlow toolCalls;
  private final ToolCallGuard guard;
  private final GuardOptions options;
  private final ToolCatalog catalog = new ToolCatalog();
  private final CatalogPins pins;
  private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong sealedClientToServer = new AtomicLong();
  private final AtomicLong sealedServerToClient = new AtomicLong();
  private final AtomicLong unsealed = new AtomicLong();

  /**
   * A client request waiting for the server's answer; {@code call} is set for tools/call, {@code
   * timer} when the policy gave it a timeout.
   */
  private record InFlight(JsonRpcId id, String method, ToolCall call, ScheduledFuture<?> timer) {}

  private final Set<String> timedOut = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService approvalThreads =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "aegis-approvals");
            t.setDaemon(true);
            return t;
          });
  private final ApprovalFlow approvals;

  /** The proxy's own requests waiting for answers, by {@code <towards>:<id>}. */
  private final Map<String, CompletableFuture<Answer>> asked = new ConcurrentHashMap<>();

  private final AtomicBoolean recheckRunning = new AtomicBoolean();
  private volatile boolean recheckAgain;
  private volatile boolean clientListed;
  private volatile String upstreamGone;
  private final Set<String> abandonedCalls = ConcurrentHashMap.newKeySet();

  /** An answer to one of the proxy's own requests, and the seq its frame was sealed at. */
  private record Answer(JsonNode tree, long seq) {}

  /** How many pages a tools/list re-check follows. */
  private static final int RECHECK_PAGES = 20;

  /**
   * Prefix of the proxy's own request ids: derived from the chain's identity and the seq it starts
   * at, so that replaying a chain (which feeds the recorded answers back) gets the same ids.
   */
  private final String askPrefix;

  private final AtomicLong askCounter = new AtomicLong();
  private volatile boolean clientElicitation;
  private volatile String clientVersion;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "aegis-session-timers");
            t.setDaemon(true);
            return t;
          });
  private volatile BiConsumer<Direction, byte[]> output =
      (d, b) -> LOG.log(System.Logger.Level.WARNING, "no output attached for a " + d + " frame");

  /**
   * A session sealing into {@code chain}, whose client {@code tools/call} requests pass {@code
   * guard}, pinning its tool catalog per session. The guard observes every event the chain seals
   * from now on.
   */
  public ProxySession(SessionChain chain, ToolCallGuard guard, GuardOptions options) {
    this(chain, guard, options, ApprovalSettings.withoutStore(), null);
  }

  /**
   * As above, obtaining approvals for calls the policy marks {@code require_approval} as {@code
   * approvals} say (see {@link ApprovalFlow} for the channels), with tool pins that outlive the
   * session kept per upstream in {@code pins} (null: per session only).
   */
  public ProxySession(
      SessionChain chain,
      ToolCallGuard guard,
      GuardOptions options,
      ApprovalSettings approvals,
      UpstreamPins pins) {
    this(chain, guard, options, approvals, pins, RateLimiter.NONE);
  }

  /**
   * As above, refusing {@code tools/call}s that {@code limiter} (usually shared by every session of
   * the process) refuses, with reason RATE_LIMITED.
   */
  public ProxySession(
      SessionChain chain,
      ToolCallGuard guard,
      GuardOptions options,
      ApprovalSettings approvals,
      UpstreamPins pins,
      RateLimiter limiter) {
    this.chain = requireNonNull(chain, "chain");
    this.askPrefix = askPrefix(chain);
    this.guard = requireNonNull(guard, "guard");
    this.options = requireNonNull(options, "options");
    this.pins = new CatalogPins(chain, catalog, pins);
    this.approvals =
        new ApprovalFlow(
            chain,
            requireNonNull(approvals, "approvals"),
            new ApprovalFlow.Client() {
              @Override
              public boolean elicitation() {
                return clientElicitation;
              }

              @Override
              public String protocolVersion() {
                return clientVersion;
              }

              @Override
              public CompletableFuture<JsonNode> ask(
                  String method, ObjectNode params, Duration timeout) {
                return ProxySession.this
                    .ask(Direction.SERVER_TO_CLIENT, method, params, timeout)
                    .thenApply(Answer::tree);
              }

              @Override
              public void notify(byte[] frame) {
                Action a = sealReply(Direction.SERVER_TO_CLIENT, frame);
                output.accept(Direction.SERVER_TO_CLIENT, a.reply());
              }
            },
            approvalThreads);
    chain.observe(this::replay);
    this.toolCalls =
        new ToolCallFlow(
            chain,
            guard,
            options,
            new ToolCallFlow.Replies() {
              @Override
              public Action reply(Direction towards, byte[] frame) {
                return sealReply(towards, frame);
              }

              @Override
              public Action refuse(Direction direction, Frame frame, ChainStoreException e) {
                return ProxySession.this.refuse(direction, frame.id(), e);
              }

              @Override
              public boolean abandoned(Frame frame) {
                return abandonedCalls.remove(frame.id().toJson());
              }
            },
            this.approvals,
            limiter);
  }

  /**
   * Feeds one sealed event to the guard and the pinned tool catalog: every event this session
   * seals, and on a restart the stored events before it, in seq order.
   */
  public void replay(Envelope sealed) {
    guard.observe(sealed);
    catalog.observe(sealed);
    approvals.observe(sealed);
  }

  /**
   * Seals SESSION_STARTED (with the {@code upstream_id}, if the session has one) and waits until it
   * is durable, then the upstream's stored tool pins; throws if the chain store cannot. A pin store
   * failure is logged and leaves the session pinning on its own.
   */
  public void start(ObjectNode info) {
    if (pins.upstreamId() != null) {
      info.put("upstream_id", pins.upstreamId());
    }
    chain.seal(EventType.SESSION_STARTED, info, null).durable().join();
    pins.loadStored();
  }

  /**
   * Handles one whole frame travelling in {@code direction}. Never throws: a failure inside the
   * core (a bug) is logged and fails closed for requests, while other frames are relayed.
   */
  public CompletableFuture<Action> onFrame(Direction direction, Frame frame) {
    try {
      return handle(direction, frame);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "internal error on " + frame + ": " + e, e);
      unsealed.incrementAndGet();
      if (frame.kind() == FrameKind.REQUEST) {
        return done(
            reply(
                direction.reverse(),
                frame.id(),
                ProxyError.INTERNAL_ERROR,
                "the proxy failed to handle this request (" + e.getClass().getSimpleName() + ")",
                null));
      }
      return done(Action.forward());
    }
  }

  private CompletableFuture<Action> handle(Direction direction, Frame frame) {
    String origin = direction == Direction.CLIENT_TO_SERVER ? "client" : "server";
    SessionChain.Sealing sealing;
    try {
      sealing = seal(direction, FrameEvents.frame(direction, origin, frame), frame.bytes());
    } catch (ChainStoreException e) {
      return CompletableFuture.completedFuture(unsealedAction(direction, frame, e));
    }
    if (frame.kind() == FrameKind.MALFORMED) {
      return CompletableFuture.completedFuture(malformed(direction, frame));
    }
    if (frame.kind().isResponse() && asked.containsKey(askKey(direction.reverse(), frame.id()))) {
      answered(direction, frame, sealing.seq());
      return done(Action.consumed());
    }
    if (direction == Direction.SERVER_TO_CLIENT
        && frame.kind() == FrameKind.NOTIFICATION
        && "notifications/tools/list_changed".equals(frame.method())
        && clientListed) {
      recheckTools(); // the notification itself is relayed as usual
    }
    if (frame.kind() == FrameKind.REQUEST
        && direction == Direction.CLIENT_TO_SERVER
        && "initialize".equals(frame.method())) {
      noteClient(frame);
    }
    if (frame.kind() == FrameKind.REQUEST
        && direction == Direction.CLIENT_TO_SERVER
        && "tools/call".equals(frame.method())) {
      return toolCalls
          .propose(frame, sealing.seq())
          .thenApply(
              o -> {
                if (o.later() != null) {
                  o.later().thenAccept(this::deliver);
                }
                if (o.call() != null) {
                  track(o.call());
                }
                return o.action();
              });
    }
    if (frame.kind() == FrameKind.REQUEST) {
      return sealing
          .durable()
          .handle(
              (ok, err) -> {
                if (err != null) {
                  return refuse(direction, frame.id(), storeError(err));
                }
                if (direction == Direction.CLIENT_TO_SERVER) {
                  inFlight.put(
                      frame.id().toJson(), new InFlight(frame.id(), frame.method(), null, null));
                }
                return Action.forward();
              });
    }
    if (direction == Direction.SERVER_TO_CLIENT && frame.kind().isResponse()) {
      InFlight waiting = inFlight.remove(frame.id().toJson());
      if (waiting == null && timedOut.remove(frame.id().toJson())) {
        return done(Action.drop("late answer to a call that timed out (sealed, not relayed)"));
      }
      if (waiting != null && waiting.call() != null) {
        return done(answered(frame, waiting));
      }
      if (waiting != null && "tools/list".equals(waiting.method())) {
        return done(toolList(frame, sealing.seq()));
      }
    }
    return CompletableFuture.completedFuture(Action.forward());
  }

  /**
   * A server's tools/list answer, parsed once: seals the catalog events (pins, changes, re-pins) it
   * calls for, then filters it to the tools the guard lists (unless auditing). With a pin store
   * this blocks on it (only when the answer brings new or changed tools, or lists a changed one).
   */
  private Action toolList(Frame frame, long frameSeq) {
    clientListed = true;
    JsonNode result;
    try {
      result = frame.tree().path("result");
    } catch (IOException e) {
      return Action.forward();
    }
    try {
      pins.onToolList(result, frameSeq);
    } catch (ChainStoreException e) {
      // the chain is broken: new tool calls are refused anyway
    }
    if (!options.audit()) {
      byte[] filtered = ToolLists.filter(frame, result, guard::lists);
      if (filtered != null) {
        return sealReply(Direction.SERVER_TO_CLIENT, filtered);
      }
    }
    return Action.forward();
  }

  /**
   * Handles a frame that exceeded the size limit and was discarded while reading: seals its digest
   * and answers whoever waits for it, if its id could be read from the prefix.
   */
  public CompletableFuture<Action> onOversized(
      Direction direction, Frame prefix, long length, String sha256, long limit) {
    try {
      seal(direction, FrameEvents.oversized(direction, prefix, length, sha256, limit), null);
    } catch (ChainStoreException e) {
      unsealed.incrementAndGet();
    }
    ObjectNode extra = Json.object().put("limit", limit).put("frame_bytes", length);
    JsonRpcId id = prefix.id();
    if (direction == Direction.CLIENT_TO_SERVER) {
      String msg = "frame of " + length + " bytes exceeds the limit of " + limit + " bytes";
      return done(reply(Direction.SERVER_TO_CLIENT, id, ProxyError.FRAME_TOO_LARGE, msg, extra));
    }
    boolean isRequest = prefix.method() != null;
    if (id == null || id.type() == JsonRpcId.Type.NULL) {
      return done(Action.drop("oversized frame from the server without a readable id dropped"));
    }
    if (isRequest) {
      String msg = "request of " + length + " bytes exceeds the proxy limit of " + limit;
      return done(reply(Direction.CLIENT_TO_SERVER, id, ProxyError.FRAME_TOO_LARGE, msg, extra));
    }
    inFlight.remove(id.toJson());
    String msg = "the server's response of " + length + " bytes exceeds the limit of " + limit;
    return done(
        reply(Direction.SERVER_TO_CLIENT, id, ProxyError.UPSTREAM_FRAME_TOO_LARGE, msg, extra));
  }

  /**
   * The upstream closed its output: returns the sealed error replies (travelling to the client) for
   * every client request still waiting for an answer.
   */
  public List<byte[]> upstreamClosed(String why) {
    upstreamGone = why;
    List<byte[]> replies = new ArrayList<>();
    for (InFlight waiting : inFlight.values()) {
      if (waiting.timer() != null) {
        waiting.timer().cancel(false);
      }
      JsonRpcId id = waiting.id();
      Action a =
          reply(
              Direction.SERVER_TO_CLIENT,
              id,
              ProxyError.UPSTREAM_CLOSED,
              "the MCP server closed before answering: " + why,
              null);
      replies.add(a.reply());
    }
    inFlight.clear();
    return replies;
  }

  /**
   * One request's way to the upstream failed (a transport with a connection per request, such as
   * HTTP: unreachable, reset before an answer): forgets the request and returns the sealed error
   * reply, travelling to the client, that answers it.
   */
  public byte[] upstreamFailed(JsonRpcId id, String why) {
    InFlight waiting = inFlight.remove(id.toJson());
    if (waiting != null && waiting.timer() != null) {
      waiting.timer().cancel(false);
    }
    return reply(
            Direction.SERVER_TO_CLIENT,
            id,
            ProxyError.UPSTREAM_CLOSED,
            "the MCP server could not be reached: " + why,
            null)
        .reply();
  }

  /**
   * The client gave up a call that is still held for an approval (an HTTP client closed its
   * connection): if it is approved later, it is not run, and TOOL_CALL_DENIED with reason
   * CLIENT_GONE is sealed instead. Calls already forwarded are not affected (the transport cancels
   * those upstream). Thread-safe.
   */
  public void abandon(JsonRpcId id) {
    abandonedCalls.add(id.toJson());
  }

  /**
   * Where the session writes frames nobody asked for at that moment: the cancellation of a call
   * that timed out (towards the server) and the client's answer for it. Set by the transport.
   */
  public void attachOutput(BiConsumer<Direction, byte[]> output) {
    this.output = requireNonNull(output, "output");
  }

  /**
   * Acts on the outcome of a call that waited for an approval: remembers the forwarded call, then
   * writes the call (its received bytes or the approved rewrite) or the refusal.
   */
  private void deliver(ToolCallFlow.Outcomes o) {
    if (o.call() != null) {
      track(o.call());
    }
    Action a = o.action();
    String gone = upstreamGone;
    if (gone != null && o.call() != null && a.type() == Action.Type.REPLY) {
      // approved after the server went away: the client gets the same error as other callers
      inFlight.remove(o.call().id().toJson());
      Action err =
          reply(
              Direction.SERVER_TO_CLIENT,
              o.call().id(),
              ProxyError.UPSTREAM_CLOSED,
              "the MCP server closed before answering: " + gone,
              null);
      output.accept(Direction.SERVER_TO_CLIENT, err.reply());
      return;
    }
    if (a.type() == Action.Type.REPLY) {
      output.accept(a.replyDirection(), a.reply());
    }
  }

  /** What the client declared at initialize: its protocol version and elicitation support. */
  private void noteClient(Frame frame) {
    try {
      JsonNode params = frame.tree().path("params");
      clientVersion = params.path("protocolVersion").asText(null);
      clientElicitation = params.path("capabilities").path("elicitation").isObject();
    } catch (IOException e) {
      // a malformed initialize is the server's to answer
    }
  }

  private static String askPrefix(SessionChain chain) {
    String identity = chain.tenantId() + "/" + chain.sessionId() + "/" + chain.nextSeq();
    return Hex.sha256(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
  }

  private static String askKey(Direction towards, JsonRpcId id) {
    return towards.wireName() + ":" + id.toJson();
  }

  /**
   * Sends the proxy's own request (ids {@code aegis-…}, sealed with origin "proxy"); its answer is
   * sealed and handed to the returned future, never relayed.
   */
  private CompletableFuture<Answer> ask(
      Direction towards, String method, ObjectNode params, Duration timeout) {
    String id = "aegis-" + askPrefix + "-" + askCounter.incrementAndGet();
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    String key = askKey(towards, JsonRpcId.string(id));
    asked.put(key, answer);
    ObjectNode req = Json.object();
    req.put("jsonrpc", "2.0");
    req.put("id", id);
    req.put("method", method);
    req.set("params", params);
    Action a = sealReply(towards, Json.write(req).getBytes(StandardCharsets.UTF_8));
    output.accept(towards, a.reply());
    timers.schedule(
        () -> {
          if (asked.remove(key, answer)) {
            answer.completeExceptionally(
                new TimeoutException(method + " unanswered after " + timeout));
          }
        },
        Math.max(1, timeout.toMillis()),
        TimeUnit.MILLISECONDS);
    return answer;
  }

  private void answered(Direction direction, Frame frame, long seq) {
    CompletableFuture<Answer> waiting = asked.remove(askKey(direction.reverse(), frame.id()));
    if (waiting == null) {
      return;
    }
    try {
      waiting.complete(new Answer(frame.tree(), seq));
    } catch (IOException e) {
      waiting.completeExceptionally(e);
    }
  }

  /**
   * The server says its tools changed: list them ourselves (every page) and check them against the
   * pins, so a changed tool is refused even if the client never lists again. One re-check at a
   * time; a notification during one schedules another.
   */
  private void recheckTools() {
    if (!recheckRunning.compareAndSet(false, true)) {
      recheckAgain = true;
      return;
    }
    recheckAgain = false;
    recheckPage(null, 1);
  }

  private void recheckPage(String cursor, int page) {
    ObjectNode params = Json.object();
    if (cursor != null) {
      params.put("cursor", cursor);
    }
    ask(Direction.CLIENT_TO_SERVER, "tools/list", params, Duration.ofSeconds(30))
        .whenComplete(
            (answer, err) -> {
              String next = null;
              if (err == null && answer.tree().has("result")) {
                JsonNode result = answer.tree().get("result");
                try {
                  pins.onToolList(result, answer.seq());
                } catch (ChainStoreException e) {
                  // the chain is broken: new tool calls are refused anyway
                }
                next =
                    result.path("nextCursor").isTextual()
                        ? result.get("nextCursor").asText()
                        : null;
              } else {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "tools/list re-check after list_changed failed: "
                        + (err != null ? err.getMessage() : answer.tree().path("error")));
              }
              if (next != null && page < RECHECK_PAGES) {
                recheckPage(next, page + 1);
                return;
              }
              recheckRunning.set(false);
              if (recheckAgain) {
                recheckTools();
              }
            });
  }

  private void track(ToolCall call) {
    String key = call.id().toJson();
    ScheduledFuture<?> timer =
        call.timeoutMs() > 0
            ? timers.schedule(() -> timeOut(call), call.timeoutMs(), TimeUnit.MILLISECONDS)
            : null;
    inFlight.put(key, new InFlight(call.id(), "tools/call", call, timer));
  }

  /** The policy's timeout_ms passed: cancel upstream, answer the client, drop a late answer. */
  private void timeOut(ToolCall call) {
    String key = call.id().toJson();
    InFlight waiting = inFlight.get(key);
    if (waiting == null || waiting.call() != call || !inFlight.remove(key, waiting)) {
      return;
    }
    timedOut.add(key);
    String cancel =
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":"
            + key
            + ",\"reason\":\"Aegis: timeout_ms "
            + call.timeoutMs()
            + " exceeded\"}}";
    Action c = sealReply(Direction.CLIENT_TO_SERVER, cancel.getBytes(StandardCharsets.UTF_8));
    output.accept(Direction.CLIENT_TO_SERVER, c.reply());
    output.accept(Direction.SERVER_TO_CLIENT, limitReply(call, "TIMEOUT").reply());
  }

  private Action answered(Frame frame, InFlight waiting) {
    if (waiting.timer() != null) {
      waiting.timer().cancel(false);
    }
    ToolCall call = waiting.call();
    if (call.maxOutputBytes() > 0 && frame.length() > call.maxOutputBytes()) {
      toolCalls.result(frame, call, true);
      return limitReply(call, "OUTPUT_TOO_LARGE");
    }
    toolCalls.result(frame, call);
    return Action.forward();
  }

  private Action limitReply(ToolCall call, String reason) {
    Decision d = new Decision(Outcome.DENY, reason, null);
    String decisionId = chain.sessionId() + "/" + call.decisionSeq();
    return sealReply(
        Direction.SERVER_TO_CLIENT,
        Denials.encode(call.id(), call.toolName(), d, decisionId, false));
  }

  /**
   * Seals TERMINATION with the given details and waits until it is durable and, with checkpoints
   * on, checkpointed (best effort).
   */
  public void terminate(ObjectNode info) {
    timers.shutdownNow();
    approvalThreads.shutdownNow();
    asked.values().forEach(f -> f.cancel(false));
    info.put("frames_client_to_server", sealedClientToServer.get());
    info.put("frames_server_to_client", sealedServerToClient.get());
    if (unsealed.get() > 0) {
      info.put("frames_unsealed", unsealed.get());
    }
    try {
      chain.terminate(info);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "termination event could not be sealed: " + e);
    }
  }

  /** Frame events sealed so far travelling in {@code direction}, proxy replies included. */
  public long sealedFrames(Direction direction) {
    return direction == Direction.CLIENT_TO_SERVER
        ? sealedClientToServer.get()
        : sealedServerToClient.get();
  }

  /** Frames relayed without a seal because the chain was broken. */
  public long unsealedFrames() {
    return unsealed.get();
  }

  /** The chain this session seals into. */
  public SessionChain chain() {
    return chain;
  }

  private SessionChain.Sealing seal(Direction direction, ObjectNode payload, byte[] body) {
    SessionChain.Sealing s = chain.seal(EventType.MCP_FRAME, payload, body);
    (direction == Direction.CLIENT_TO_SERVER ? sealedClientToServer : sealedServerToClient)
        .incrementAndGet();
    return s;
  }

  private Action malformed(Direction direction, Frame frame) {
    if (direction == Direction.SERVER_TO_CLIENT) {
      return Action.drop("non-JSON-RPC output from the server: " + frame.problem());
    }
    boolean notJson = frame.problem() != null && frame.problem().startsWith("invalid JSON");
    ProxyError error = notJson ? ProxyError.PARSE_ERROR : ProxyError.INVALID_REQUEST;
    return reply(Direction.SERVER_TO_CLIENT, frame.id(), error, frame.problem(), null);
  }

  private Action unsealedAction(Direction direction, Frame frame, ChainStoreException e) {
    if (frame.kind() == FrameKind.REQUEST) {
      return refuse(direction, frame.id(), e);
    }
    unsealed.incrementAndGet();
    return frame.kind() == FrameKind.MALFORMED ? malformed(direction, frame) : Action.forward();
  }

  private Action refuse(Direction direction, JsonRpcId id, ChainStoreException e) {
    ProxyError error =
        e.reason() == ChainStoreException.Reason.CHAIN_CONFLICT
            ? ProxyError.CHAIN_CONFLICT
            : ProxyError.STORE_UNAVAILABLE;
    String msg = "request refused: the audit chain cannot record it (" + e.getMessage() + ")";
    return reply(direction.reverse(), id, error, msg, null);
  }

  /** Builds a proxy reply and seals it as a frame with origin "proxy" when the chain is healthy. */
  private Action reply(
      Direction towards, JsonRpcId id, ProxyError error, String message, ObjectNode extra) {
    return sealReply(towards, ErrorFrames.encode(id, error, message, extra));
  }

  /** Seals a frame the proxy writes itself (origin "proxy") and returns the action to send it. */
  private Action sealReply(Direction towards, byte[] bytes) {
    Frame frame = Frame.of(bytes);
    try {
      seal(towards, FrameEvents.frame(towards, "proxy", frame), bytes);
    } catch (ChainStoreException e) {
      unsealed.incrementAndGet();
    }
    return Action.reply(towards, bytes);
  }

  static ChainStoreException storeError(Throwable err) {
    Throwable c = err instanceof CompletionException ? err.getCause() : err;
    return c instanceof ChainStoreException
        ? (ChainStoreException) c
        : new ChainStoreException(ChainStoreException.Reason.STORE_UNAVAILABLE, "" + c, c);
  }

  private static CompletableFuture<Action> done(Action a) {
    return CompletableFuture.completedFuture(a);
  }
}
