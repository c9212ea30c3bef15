package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.checkpoint.Checkpoint;
import dev.aegis.core.checkpoint.CheckpointStore;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.guard.ToolCallGuard;
import dev.aegis.core.pins.UpstreamPins;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.GuardOptions;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.core.pipeline.RateLimiter;
import dev.aegis.core.pipeline.RateLimits;
import dev.aegis.core.pipeline.SessionChain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Rebuilds one recorded session by running the recorded frames through the real core: a {@link
 * ProxySession} per recorded run (each SESSION_STARTED), a fresh guard from {@code guards}, an
 * in-memory chain and the {@link ReplayClock}. Client frames are fed as the client sent them and
 * recorded server frames stand in for the server; frames the proxy wrote itself, and every other
 * event, are produced by the replay and compared afterwards. Single-threaded driver; the session's
 * own threads (policy engine, approvals) run as in the proxy, every seal waits for its recorded
 * turn ({@link RecordedOrder}, so overlapping calls interleave as recorded), and the driver waits
 * for a held call to be answered where the recording answered it. Fails with {@link
 * ReplayException} when a frame body the replay needs was redacted.
 */
final class Replayer {
  private static final Duration POLL = Duration.ofMillis(2);

  /** How long a server's answer waits for the session to forward the request it answers. */
  private static final long FORWARD_TIMEOUT_S = 60;

  /** How long the replay waits for a session's asynchronous work that has stopped sealing. */
  private static final long IDLE_MS = 250;

  /** The replayed chain, where each fed frame landed, and remarks for the report. */
  record Result(List<ChainRecord> records, Map<Long, Long> fed, List<String> notes) {}

  private final Recording recording;
  private final Supplier<? extends ToolCallGuard> guards;
  private final ApprovalSigner signer;

  /**
   * A replayer of {@code recording} with a fresh guard from {@code guards} per recorded run; {@code
   * signer} signs the replay's approval tokens (the proxy's key, to accept recorded MRTR states).
   */
  Replayer(Recording recording, Supplier<? extends ToolCallGuard> guards, ApprovalSigner signer) {
    this.recording = requireNonNull(recording, "recording");
    this.guards = requireNonNull(guards, "guards");
    this.signer = requireNonNull(signer, "signer");
  }

  /** Where decisions complete during a run (see {@link AsyncGuard}); daemon threads. */
  private final ExecutorService completions =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "aegis-replay-decision");
            t.setDaemon(true);
            return t;
          });

  /** Runs the replay. Blocking; once. */
  Result run() throws InterruptedException {
    try {
      return runOnce();
    } finally {
      completions.shutdown();
    }
  }

  private Result runOnce() throws InterruptedException {
    MemoryChainStore replayed = new MemoryChainStore();
    ReplayClock clock = new ReplayClock(recording, replayed);
    ReplayApprovals approvals = new ReplayApprovals(recording);
    ReplayOutputs outputs = new ReplayOutputs();
    boolean noStore =
        recording.events().stream()
            .anyMatch(
                e ->
                    e.type().equals("APPROVAL_REQUESTED")
                        && e.payload().path("channel").asText().equals("none"));
    Duration hold = holdFor();
    ApprovalSettings settings =
        new ApprovalSettings(noStore ? null : approvals, signer, hold, ttl(), POLL, clock);
    Map<Long, Long> fed = new LinkedHashMap<>();
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    RecordedOrder order = new RecordedOrder(recording);
    Map<String, CompletableFuture<?>> pending = new HashMap<>();
    List<CompletableFuture<?>> outstanding = new ArrayList<>();
    long settleMs = hold.toMillis() + 10_000;
    ProxySession session = null;
    boolean async = false;
    for (Recording.Event e : recording.events()) {
      boolean input =
          e.type().equals("SESSION_STARTED")
              || e.type().equals("TERMINATION")
              || (e.type().equals("MCP_FRAME")
                  && !e.payload().path("origin").asText().equals("proxy"));
      if (input) {
        // let work the last frame started (an approval, a re-check) catch up, release the
        // recorded decisions taken before this frame, and wait for their outcome
        if (async) {
          replayed.awaitSizeOrIdle(e.seq(), IDLE_MS);
        }
        settle(approvals, outputs, e.seq(), settleMs, notes);
        if (async) {
          replayed.awaitSizeOrIdle(e.seq(), IDLE_MS);
        }
      }
      switch (e.type()) {
        case "SESSION_STARTED" -> {
          session = start(e, replayed, clock, settings, outputs, order);
        }
        case "MCP_FRAME" -> {
          String origin = e.payload().path("origin").asText();
          if (origin.equals("proxy")) {
            continue;
          }
          if (session == null) {
            notes.add("seq " + e.seq() + ": a frame outside a proxy run was not fed");
            continue;
          }
          awaitForwarded(e, pending, notes);
          long at = replayed.size();
          CompletableFuture<?> handled = feed(session, e, notes);
          if (handled != null) {
            outstanding.add(handled);
            fed.put(e.seq(), replayed.landing(at, e.body()));
            if (e.payload().path("origin").asText().equals("client")
                && e.payload().path("kind").asText().equals("request")) {
              pending.put(e.payload().path("id").toString(), handled);
            }
          }
          async = startsWork(e.payload());
        }
        case "TERMINATION" -> {
          if (session != null) {
            // the frame counts go into the payload before it waits for its turn: let every
            // earlier event be sealed and every fed frame be handled first
            replayed.awaitSizeOrIdle(e.seq(), IDLE_MS);
            awaitAll(outstanding, notes);
            ObjectNode info = ((ObjectNode) e.payload()).deepCopy();
            info.remove(List.of("frames_client_to_server", "frames_server_to_client"));
            info.remove("frames_unsealed");
            session.terminate(info);
            session = null;
          }
        }
        default -> {
          // produced by the replay itself
        }
      }
    }
    settle(approvals, outputs, Long.MAX_VALUE, settleMs, notes);
    replayed.awaitSizeOrIdle(recording.size(), IDLE_MS);
    notes.addAll(approvals.notes());
    return new Result(replayed.snapshot(), fed, notes);
  }

  private ProxySession start(
      Recording.Event started,
      MemoryChainStore replayed,
      ReplayClock clock,
      ApprovalSettings settings,
      ReplayOutputs outputs,
      RecordedOrder order) {
    SessionChain chain =
        SessionChain.open(
            replayed, clock, recording.tenantId(), recording.userId(), recording.sessionId());
    chain.order(order);
    int every = started.payload().path("checkpoint_every").asInt(0);
    if (every > 0) { // the recording's CHECKPOINT_CREATED events fall at the same seqs
      chain.checkpoints(new Checkpointer(new DiscardedCheckpoints(), null, every));
    }
    JsonNode guard = started.payload().path("guard");
    GuardOptions options =
        new GuardOptions(
            guard.path("mode").asText().equals("audit"),
            guard.path("deny_as").asText().equals("error"));
    JsonNode upstream = started.payload().path("upstream_id");
    UpstreamPins pins = upstream.isTextual() ? new UpstreamPins(upstream.asText(), null) : null;
    // the recorded limits, on the recording's clock (buckets shared with other sessions of an
    // HTTP proxy are not: their calls are not in this chain)
    RateLimiter limiter =
        new RateLimiter(RateLimits.parse(started.payload().path("rate_limits").asText("")), clock);
    ProxySession session =
        new ProxySession(
            chain, new AsyncGuard(guards.get(), completions), options, settings, pins, limiter);
    for (ChainRecord r : replayed.snapshot()) { // a restarted proxy rebuilds its state this way
      session.replay(EnvelopeHasher.parse(r.sealed()));
    }
    session.attachOutput(outputs);
    session.start(((ObjectNode) started.payload()).deepCopy());
    long next = replayed.size();
    if (next < recording.size()) {
      Recording.Event loaded = recording.get(next);
      // the pin store's answer at start (pins of earlier sessions) is taken from the recording
      if (loaded.type().equals("TOOL_CATALOG_PINNED")
          && loaded.payload().path("source").asText().equals("store")) {
        chain.seal(EventType.TOOL_CATALOG_PINNED, loaded.payload().deepCopy(), null);
      }
    }
    return session;
  }

  /** Checkpoints of a replay are sealed in its chain (to compare them) but kept nowhere. */
  private static final class DiscardedCheckpoints implements CheckpointStore {
    @Override
    public void put(Checkpoint checkpoint) {}

    @Override
    public List<Checkpoint> list(String tenantId, String sessionId) {
      return List.of();
    }

    @Override
    public List<Checkpoint> all(String tenantId) {
      return List.of();
    }
  }

  /**
   * Before a server's answer is fed, waits until the session has finished with the client's request
   * it answers (decided, and forwarded: the call is in flight), as the real server could only
   * answer a request it had received.
   */
  private static void awaitForwarded(
      Recording.Event e, Map<String, CompletableFuture<?>> pending, List<String> notes) {
    JsonNode p = e.payload();
    if (!p.path("origin").asText().equals("server") || !p.has("id") || p.has("method")) {
      return;
    }
    CompletableFuture<?> request = pending.remove(p.path("id").toString());
    if (request == null) {
      return;
    }
    try {
      request.get(FORWARD_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException ex) {
      notes.add("seq " + e.seq() + ": the request this answers was not forwarded in time: " + ex);
    }
  }

  /** Waits for the handling of every frame fed so far (a minute at most), then forgets them. */
  private static void awaitAll(List<CompletableFuture<?>> handled, List<String> notes) {
    try {
      CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new))
          .get(FORWARD_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException ex) {
      // reported by the frame's own note
    } catch (TimeoutException ex) {
      notes.add("frames fed before a termination were still being handled after a minute");
    }
    handled.clear();
  }

  /** Feeds one recorded frame; the future of its handling, or null when it was not fed. */
  private static CompletableFuture<?> feed(
      ProxySession session, Recording.Event e, List<String> notes) {
    JsonNode p = e.payload();
    if (p.path("kind").asText().equals("oversized")) {
      notes.add("seq " + e.seq() + ": an oversized frame (only its digest is kept) was not fed");
      return null;
    }
    if (e.body() == null) {
      throw new ReplayException(
          "seq " + e.seq() + ": the frame's body is not in the store (redacted?); cannot replay");
    }
    Direction direction =
        p.path("direction").asText().equals(Direction.CLIENT_TO_SERVER.wireName())
            ? Direction.CLIENT_TO_SERVER
            : Direction.SERVER_TO_CLIENT;
    // The frame is sealed when onFrame returns (in its recorded turn: RecordedOrder); what it
    // starts (a decision, a forward) goes on on the session's threads, as in the proxy, and
    // seals in its recorded turn too. Not waiting for it lets the next frame overlap it.
    CompletableFuture<?> handled = session.onFrame(direction, Frame.of(e.body()));
    handled.whenComplete(
        (action, ex) -> {
          if (ex != null) {
            notes.add("seq " + e.seq() + ": the replayed session failed on this frame: " + ex);
          }
        });
    return handled;
  }

  /**
   * True for frames after which the session may go on sealing on its own threads: a client's
   * tools/call (approvals) or response (to the proxy's own request), a server's list_changed (the
   * proxy re-lists) or response (to the proxy's re-list).
   */
  private static boolean startsWork(JsonNode frame) {
    String kind = frame.path("kind").asText();
    boolean client = frame.path("origin").asText().equals("client");
    String method = frame.path("method").asText("");
    boolean answersProxy =
        (kind.equals("result") || kind.equals("error"))
            && frame.path("id").asText("").startsWith("\"aegis-");
    return (client && method.equals("tools/call"))
        || answersProxy
        || method.equals("notifications/tools/list_changed");
  }

  /** Waits until the held calls the recording answered before {@code next} are answered. */
  private static void settle(
      ReplayApprovals approvals, ReplayOutputs outputs, long next, long ms, List<String> notes)
      throws InterruptedException {
    for (String call : approvals.due(next)) {
      if (!outputs.await(call, ms)) {
        notes.add("held call " + call + " was not answered where the recording answered it");
      }
    }
  }

  /**
   * How long a held call waits: the recorded wait of a call nobody decided (to the second), else
   * long enough for every recorded decision to arrive.
   */
  private Duration holdFor() {
    long longest = -1;
    for (Recording.Event e : recording.events()) {
      if (!e.type().equals("APPROVAL_REQUESTED") || !e.payload().has("approval_token")) {
        continue;
      }
      String token = e.payload().get("approval_token").asText();
      long proposal = e.payload().path("proposal_seq").asLong();
      boolean decided = false;
      for (Recording.Event l : recording.events().subList((int) e.seq(), recording.size())) {
        if (l.type().equals("APPROVAL_DECIDED")
            && token.equals(l.payload().path("approval_token").asText())) {
          decided = true;
        }
        if (l.type().equals("TOOL_CALL_DENIED")
            && l.payload().path("proposal_seq").asLong() == proposal) {
          if (!decided) {
            long waited = l.envelope().tsUnixMs() - e.envelope().tsUnixMs();
            longest = Math.max(longest, Math.round(waited / 1000.0) * 1000);
          }
          break;
        }
      }
    }
    return longest >= 0 ? Duration.ofMillis(longest) : Duration.ofMinutes(10);
  }

  /** The token lifetime the recording used (to the second), else the default. */
  private Duration ttl() {
    for (Recording.Event e : recording.events()) {
      if (e.type().equals("APPROVAL_REQUESTED") && e.payload().has("expires_unix_ms")) {
        long left = e.payload().get("expires_unix_ms").asLong() - e.envelope().tsUnixMs();
        long rounded = Math.round(left / 1000.0) * 1000;
        if (rounded > 0) {
          return Duration.ofMillis(rounded);
        }
      }
    }
    return ApprovalSettings.DEFAULT_TTL;
  }
}
