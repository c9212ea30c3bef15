package dev.aegis.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Hex;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.json.Json;
import dev.aegis.core.pipeline.Action;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ProxySession;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One MCP session as the HTTP transport sees it: the core session (its own chain), the client
 * exchanges waiting for an answer by JSON-RPC id, and the client's open GET stream. Frames the core
 * writes on its own are routed here: towards the server as a new upstream POST (into the waiting
 * exchange when the frame is a held request), towards the client into the exchange waiting for that
 * id, else onto the GET stream, else logged and dropped (they are sealed either way). Thread-safe;
 * calls into the core are serialised per direction.
 */
final class McpSession {
  private static final System.Logger LOG = System.getLogger(McpSession.class.getName());

  private final ProxySession core;
  private final SerialExecutor clientToServer;
  private final SerialExecutor serverToClient;
  private final Relay relay;
  private final Map<String, Exchange> waiting = new ConcurrentHashMap<>();
  private final Map<String, Exchange> progress = new ConcurrentHashMap<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Exchange serverStream;
  private volatile ChildLink child;
  private volatile SharedChild shared;
  private volatile Duration childGrace = Duration.ZERO;
  private volatile HttpHeaders clientHeaders = new DefaultHttpHeaders();
  private volatile String mcpSessionId;
  private volatile boolean resumable;
  private volatile long lastActiveNanos = System.nanoTime();

  McpSession(ProxySession core, Executor pool, Relay relay) {
    this.core = core;
    this.clientToServer = new SerialExecutor(pool);
    this.serverToClient = new SerialExecutor(pool);
    this.relay = relay;
    core.attachOutput(this::output);
  }

  /** The Aegis session id (the chain's). */
  String id() {
    return core.chain().sessionId();
  }

  ProxySession core() {
    return core;
  }

  /** Hands a frame to the core, in order with the other frames of its direction. */
  CompletableFuture<Action> onFrame(Direction direction, Frame frame) {
    touch();
    CompletableFuture<Action> result = new CompletableFuture<>();
    (direction == Direction.CLIENT_TO_SERVER ? clientToServer : serverToClient)
        .execute(
            () ->
                core.onFrame(direction, frame)
                    .whenComplete(
                        (a, e) -> {
                          if (e != null) {
                            result.completeExceptionally(e);
                          } else {
                            result.complete(a);
                          }
                        }));
    return result;
  }

  /** Records client activity and the headers the proxy's own upstream requests reuse. */
  void fromClient(HttpHeaders endToEnd) {
    clientHeaders = endToEnd;
    touch();
  }

  HttpHeaders clientHeaders() {
    return clientHeaders;
  }

  void touch() {
    lastActiveNanos = System.nanoTime();
  }

  long idleNanos(long now) {
    return now - lastActiveNanos;
  }

  /** True while a client request waits or a GET stream is open: such a session never idles out. */
  boolean busy() {
    waiting.values().removeIf(Exchange::isDone); // clients that went away
    progress.values().removeIf(Exchange::isDone);
    Exchange s = serverStream;
    return !waiting.isEmpty() || (s != null && !s.isDone());
  }

  /**
   * Registers a client request waiting for its answer; {@code progressToken} (its JSON text, or
   * null) lets the proxy's own progress notifications for it (a held call) reach that exchange.
   */
  void await(String idJson, Exchange exchange, String progressToken) {
    waiting.put(idJson, exchange);
    if (progressToken != null) {
      progress.put(progressToken, exchange);
    }
  }

  Exchange waiter(String idJson) {
    return waiting.get(idJson);
  }

  void answered(String idJson, Exchange exchange) {
    waiting.remove(idJson, exchange);
    progress.values().remove(exchange);
  }

  void serverStream(Exchange stream) {
    serverStream = stream;
  }

  void serverStreamEnded(Exchange stream) {
    if (serverStream == stream) {
      serverStream = null;
    }
  }

  String mcpSessionId() {
    return mcpSessionId;
  }

  /** Takes the upstream's session id, once; false if the session already has one. */
  synchronized boolean adopt(String id) {
    if (mcpSessionId != null) {
      return false;
    }
    mcpSessionId = id;
    return true;
  }

  /** Marks the session as one a restarted proxy can continue (its key is bound durably). */
  void resumable() {
    resumable = true;
  }

  boolean isResumable() {
    return resumable;
  }

  boolean ended() {
    return ended.get();
  }

  /** Bridging: the stdio server of this session, stopped within {@code grace} when it ends. */
  void child(ChildLink link, Duration grace) {
    this.child = link;
    this.childGrace = grace;
  }

  /** Bridging with {@code --shared-upstream}: the server this session shares with the others. */
  void shared(SharedChild server) {
    this.shared = server;
    server.attach(this);
  }

  boolean usesShared(SharedChild server) {
    return shared == server;
  }

  /** Writes a frame the core forwards to the bridged server. */
  void toChild(byte[] frame) {
    SharedChild s = shared;
    if (s != null) {
      s.write(this, frame);
    } else {
      child.write(frame);
    }
  }

  private void output(Direction direction, byte[] frame) {
    touch();
    ChildLink c = child;
    if (direction == Direction.CLIENT_TO_SERVER && (c != null || shared != null)) {
      toChild(frame);
    } else if (direction == Direction.CLIENT_TO_SERVER) {
      relay.fromSession(this, frame);
    } else {
      deliver(frame);
    }
  }

  /**
   * A frame for the client outside any relayed response: by id to its exchange, else the stream.
   */
  void deliver(byte[] frame) {
    Frame f = Frame.of(frame);
    if (f.kind().isResponse() && f.id() != null) {
      Exchange e = waiting.remove(f.id().toJson());
      if (e != null) {
        progress.values().remove(e);
        e.answer(frame);
        return;
      }
    }
    Exchange forCall = progress.get(progressToken(f));
    if (forCall != null) {
      forCall.streamEvent(frame);
      return;
    }
    Exchange stream = serverStream;
    if (stream != null && !stream.isDone()) {
      stream.event(frame);
      return;
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "session "
            + id()
            + ": the proxy's own "
            + f.kind().wireName()
            + " frame for the client has no open request or GET stream to go to; dropped (it is"
            + " sealed)");
  }

  /** The progress token of a progress notification (its JSON text), else "". */
  private static String progressToken(Frame f) {
    if (f.kind() != FrameKind.NOTIFICATION || !"notifications/progress".equals(f.method())) {
      return "";
    }
    try {
      JsonNode token = f.tree().path("params").path("progressToken");
      return token.isMissingNode() ? "" : token.toString();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Ends the session once: answers every waiting client request with UPSTREAM_CLOSED and seals
   * TERMINATION (blocking until durable). False if it had already ended.
   */
  boolean terminate(String reason) {
    return terminate(reason, false);
  }

  /**
   * As {@link #terminate(String)}; {@code resumable} (the proxy stops, the upstream's session lives
   * on) puts {@code "resumable": true} in TERMINATION, so a restarted proxy continues the session.
   */
  boolean terminate(String reason, boolean resumable) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    ObjectNode info = Json.object().put("reason", reason).put("transport", "http");
    if (resumable) {
      info.put("resumable", true);
    }
    ChildLink c = child;
    if (c != null) {
      info.put("exit_code", c.stop(childGrace));
    }
    SharedChild sc = shared;
    if (sc != null) {
      sc.detach(this);
      info.put("shared_upstream", true);
    }
    for (byte[] reply : core.upstreamClosed(reason)) {
      deliver(reply);
    }
    if (mcpSessionId != null) {
      info.put("mcp_session_id_sha256", sha256(mcpSessionId));
    }
    core.terminate(info);
    Exchange s = serverStream;
    if (s != null) {
      s.end();
    }
    return true;
  }

  /** The upstream's session id is a credential of sorts: only its digest is sealed or logged. */
  static String sha256(String s) {
    return Hex.sha256(s.getBytes(StandardCharsets.UTF_8));
  }
}
