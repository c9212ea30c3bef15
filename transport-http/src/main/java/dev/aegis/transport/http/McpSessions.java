package dev.aegis.transport.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Maps HTTP requests to MCP sessions. A request with {@code Mcp-Session-Id} belongs to the session
 * the upstream gave that id (an id the proxy does not know, e.g. after a restart, opens a new Aegis
 * session for it). An {@code initialize} without one opens a pending session, adopted under the id
 * the upstream's answer carries. A stateless 2026-07-28 request belongs to the session of its key
 * ({@link #forKey}). Other requests without one (a server that issues no session ids) share one
 * session per proxy. Thread-safe.
 */
final class McpSessions {

  private final SessionFactory factory;
  private final Executor work;
  private final Map<String, CompletableFuture<McpSession>> byMcpId = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<McpSession>> byKey = new ConcurrentHashMap<>();
  private final Set<McpSession> all = ConcurrentHashMap.newKeySet();
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
          s -> {
            s.adopt(mcpSessionId);
            System.err.println(
                "aegis: session "
                    + s.id()
                    + " continues MCP session sha256:"
                    + McpSession.sha256(mcpSessionId).substring(0, 16)
                    + " (unknown to this proxy)");
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
        s ->
            System.err.println(
                "aegis: session " + s.id() + " is keyed by " + Era2026.describe(key)));
  }

  /**
   * The session under {@code key} in {@code map}, opened once (concurrent requests with the same
   * key share the opening); {@code opened} runs once on the new session before anyone sees it. A
   * failed opening is forgotten, so the next request tries again.
   */
  private CompletableFuture<McpSession> openOnce(
      Map<String, CompletableFuture<McpSession>> map,
      String key,
      java.util.function.Consumer<McpSession> opened) {
    CompletableFuture<McpSession> fresh = new CompletableFuture<>();
    CompletableFuture<McpSession> known = map.putIfAbsent(key, fresh);
    if (known != null) {
      return known;
    }
    open()
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

  /** The upstream named the session of {@code session}: later requests carry that id. */
  void adopt(String mcpSessionId, McpSession session) {
    if (session.adopt(mcpSessionId)) {
      byMcpId.putIfAbsent(mcpSessionId, CompletableFuture.completedFuture(session));
      System.err.println(
          "aegis: session "
              + session.id()
              + " is MCP session sha256:"
              + McpSession.sha256(mcpSessionId).substring(0, 16));
    }
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

  /** Ends every session now, on the calling thread (blocking until each termination is durable). */
  void endAll(String reason) {
    for (McpSession s : List.copyOf(all)) {
      forget(s);
      s.terminate(reason);
    }
  }

  private void forget(McpSession session) {
    all.remove(session);
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
    return CompletableFuture.supplyAsync(
        () -> {
          McpSession s = new McpSession(factory.open(), work, relay);
          if (config.bridging()) {
            try {
              ChildLink link =
                  ChildLink.start(
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
        },
        work);
  }
}
