package dev.aegis.transport.http;

import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ProxySession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps HTTP requests to MCP sessions. A request with {@code Mcp-Session-Id} belongs to the session
 * the upstream gave that id; an id the proxy does not know (e.g. after a restart) continues the
 * session the id was bound to ({@link SessionFactory#resume}), else opens a new Aegis session for
 * it. An {@code initialize} without one opens a pending session, adopted under the id the
 * upstream's answer carries (and bound to it durably). A stateless 2026-07-28 request belongs to
 * the session of its key ({@link #forKey}), resumed or bound the same way. Other requests without
 * one (a server that issues no session ids) share one session per proxy. Bridged sessions are not
 * resumed: their server child is gone with the proxy, so an unknown id gets 404. Thread-safe.
 */
final class McpSessions {
  private static final System.Logger LOG = System.getLogger(McpSessions.class.getName());

  private final SessionFactory factory;
  private final Executor work;
  private final Map<String, CompletableFuture<McpSession>> byMcpId = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<McpSession>> byKey = new ConcurrentHashMap<>();
  private final Set<McpSession> all = ConcurrentHashMap.newKeySet();
  private SharedChild shared;
  private final AtomicLong retiredUp = new AtomicLong();
  private final AtomicLong retiredDown = new AtomicLong();
  private CompletableFuture<McpSession> sessionless;
  private volatile Relay relay;

  private final HttpProxyConfig config;

  McpSessions(SessionFactory factory, Executor work, HttpProxyConfig config) {
    this.factory = factory;
    this.work = work;
    this.config = config;
  }

  /** A request named a session this (bridging) proxy never issued or already ended: 404. */
  static final class UnknownSession extends RuntimeException {
    UnknownSession() {
      super("unknown Mcp-Session-Id", null, false, false);
    }
  }

  /** Bridging: a new session id (128 random bits, hex), issued by the proxy. */
  static String newSessionId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return dev.aegis.core.event.Hex.of(b);
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  void relay(Relay relay) {
    this.relay = relay;
  }

  /** The session of a request (opening one on a worker thread when needed). */
  CompletableFuture<McpSession> find(String mcpSessionId, boolean initialize) {
    if (mcpSessionId != null && config.bridging()) {
      CompletableFuture<McpSession> known = byMcpId.get(mcpSessionId);
      return known != null ? known : CompletableFuture.failedFuture(new UnknownSession());
    }
    if (mcpSessionId != null) {
      return openOnce(
          byMcpId,
          mcpSessionId,
          SessionFactory.MCP_SESSION_ID,
          s -> {
            s.adopt(mcpSessionId);
            System.err.println(
                "aegis: session "
                    + s.id()
                    + " serves MCP session sha256:"
                    + McpSession.sha256(mcpSessionId).substring(0, 16)
                    + " (unknown to this proxy until now)");
          });
    }
    if (initialize) {
      return open();
    }
    synchronized (this) {
      if (sessionless == null
          || sessionless.isCompletedExceptionally()
          || (sessionless.isDone() && sessionless.join().ended())) {
        sessionless = open();
      }
      return sessionless;
    }
  }

  /**
   * The session of a stateless 2026-07-28 request, by its key ({@link Era2026#sessionKey}): the
   * first request with a key opens the session (on a worker thread), later ones share it until it
   * ends.
   */
  CompletableFuture<McpSession> forKey(String key) {
    return openOnce(
        byKey,
        key,
        SessionFactory.SESSION_KEY,
        s ->
            System.err.println(
                "aegis: session " + s.id() + " is keyed by " + Era2026.describe(key)));
  }

  /**
   * The session under {@code key} in {@code map}, resumed or opened once (concurrent requests with
   * the same key share the opening); {@code opened} runs once on the session before anyone sees it.
   * A failed opening is forgotten, so the next request tries again.
   */
  private CompletableFuture<McpSession> openOnce(
      Map<String, CompletableFuture<McpSession>> map,
      String key,
      String kind,
      java.util.function.Consumer<McpSession> opened) {
    CompletableFuture<McpSession> fresh = new CompletableFuture<>();
    CompletableFuture<McpSession> known = map.putIfAbsent(key, fresh);
    if (known != null) {
      return known;
    }
    CompletableFuture.supplyAsync(() -> resumeOrStart(kind, McpSession.sha256(key)), work)
        .whenComplete(
            (s, e) -> {
              if (e != null) {
                map.remove(key, fresh);
                fresh.completeExceptionally(e);
                return;
              }
              opened.accept(s);
              fresh.complete(s);
            });
    return fresh;
  }

  /**
   * The session of a key the proxy has not seen since it started: the session bound to it,
   * continued from its chain, else a new one bound to it. Worker thread only (store I/O).
   */
  private McpSession resumeOrStart(String kind, String digest) {
    if (!config.bridging()) {
      Optional<ProxySession> resumed = factory.resume(kind, digest);
      if (resumed.isPresent()) {
        McpSession s = new McpSession(resumed.get(), work, relay);
        s.resumable();
        all.add(s);
        System.err.println(
            "aegis: session "
                + s.id()
                + " resumed from its chain ("
                + kind
                + " sha256:"
                + digest.substring(0, 16)
                + ")");
        return s;
      }
    }
    McpSession s = start();
    bind(kind, digest, s);
    return s;
  }

  /** The upstream named the session of {@code session}: later requests carry that id. */
  void adopt(String mcpSessionId, McpSession session) {
    if (session.adopt(mcpSessionId)) {
      byMcpId.putIfAbsent(mcpSessionId, CompletableFuture.completedFuture(session));
      System.err.println(
          "aegis: session "
              + session.id()
              + " is MCP session sha256:"
              + McpSession.sha256(mcpSessionId).substring(0, 16));
      if (!config.bridging()) { // bridged sessions die with the proxy: nothing to resume
        work.execute(
            () -> bind(SessionFactory.MCP_SESSION_ID, McpSession.sha256(mcpSessionId), session));
      }
    }
  }

  /** Binds a relayed session's key durably (worker thread); a failure only costs the resumption. */
  private void bind(String kind, String digest, McpSession s) {
    if (config.bridging()) {
      return;
    }
    try {
      factory.bind(kind, digest, s.core());
      s.resumable();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "session "
              + s.id()
              + ": its "
              + kind
              + " could not be stored (it will not be resumed"
              + " after a restart): "
              + e);
    }
  }

  /**
   * The server every session shares ({@code --shared-upstream}), started with the first session (or
   * again after it exited: a new server, initialized by its first session). When it exits, every
   * session using it ends.
   */
  private synchronized SharedChild sharedChild() {
    SharedChild c = shared;
    if (c == null || c.exited()) {
      c =
          SharedChild.start(
              config.command(),
              config.maxBodyBytes(),
              gone -> {
                for (McpSession s : List.copyOf(all)) {
                  if (s.usesShared(gone)) {
                    end(s, "the MCP server closed its output");
                  }
                }
              });
      shared = c;
    }
    return c;
  }

  /** The core sessions open now, for the control API and metrics. */
  List<ProxySession> live() {
    return all.stream().map(McpSession::core).toList();
  }

  /** Frame events sealed in {@code direction} by every session of this proxy, ended ones too. */
  long sealedFrames(Direction direction) {
    long sum = direction == Direction.CLIENT_TO_SERVER ? retiredUp.get() : retiredDown.get();
    for (McpSession s : all) {
      sum += s.core().sealedFrames(direction);
    }
    return sum;
  }

  /** Ends a session on a worker thread (sealing TERMINATION); later requests open a new one. */
  void end(McpSession session, String reason) {
    forget(session);
    work.execute(() -> session.terminate(reason));
  }

  /** Ends every session idle longer than {@code idle} with nothing waiting. */
  void sweep(Duration idle) {
    long now = System.nanoTime();
    for (McpSession s : all) {
      if (!s.busy() && s.idleNanos(now) > idle.toNanos()) {
        end(s, "idle for more than " + idle.toSeconds() + "s");
      }
    }
  }

  /**
   * Ends every session now, on the calling thread (blocking until each termination is durable). A
   * relayed session whose key is bound is marked {@code resumable}: its upstream session lives on,
   * and a restarted proxy continues it.
   */
  void endAll(String reason) {
    for (McpSession s : List.copyOf(all)) {
      forget(s);
      s.terminate(reason, s.isResumable());
    }
    SharedChild c;
    synchronized (this) {
      c = shared;
      shared = null;
    }
    if (c != null) {
      c.stop(config.shutdownGrace());
    }
  }

  private void forget(McpSession session) {
    if (all.remove(session)) {
      retiredUp.addAndGet(session.core().sealedFrames(Direction.CLIENT_TO_SERVER));
      retiredDown.addAndGet(session.core().sealedFrames(Direction.SERVER_TO_CLIENT));
    }
    byKey
        .values()
        .removeIf(f -> f.isDone() && !f.isCompletedExceptionally() && f.join() == session);
    String id = session.mcpSessionId();
    if (id != null) {
      byMcpId.computeIfPresent(
          id,
          (k, f) -> f.isDone() && !f.isCompletedExceptionally() && f.join() == session ? null : f);
    }
  }

  private CompletableFuture<McpSession> open() {
    return CompletableFuture.supplyAsync(this::start, work);
  }

  /** A new session (and its server child, bridging). Worker thread only. */
  private McpSession start() {
    McpSession s = new McpSession(factory.open(), work, relay);
    if (config.bridging() && config.sharedUpstream()) {
      try {
        s.shared(sharedChild());
      } catch (RuntimeException e) {
        s.terminate("the MCP server could not be started");
        throw e;
      }
    } else if (config.bridging()) {
      try {
        ChildLink link =
            ChildLink.forSession(
                config.command(),
                s,
                config.maxBodyBytes(),
                () -> end(s, "the MCP server closed its output"));
        s.child(link, config.shutdownGrace());
      } catch (RuntimeException e) {
        s.terminate("the MCP server could not be started");
        throw e;
      }
    }
    all.add(s);
    return s;
  }
}
