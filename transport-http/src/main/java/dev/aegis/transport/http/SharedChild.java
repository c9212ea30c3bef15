package dev.aegis.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.json.Json;
import dev.aegis.core.pipeline.Direction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one stdio MCP server every bridged session shares ({@code --shared-upstream}). Requests from
 * different sessions may carry the same JSON-RPC id, so each request (after its session's core has
 * sealed it as received) is written to the server with a fresh numeric id, and its {@code
 * _meta.progressToken} with a fresh token; the server's answer and progress get the client's own id
 * and token back before the session's core sees them, and are routed to that session only. The
 * first {@code initialize} reaches the server; later sessions' {@code initialize} is answered with
 * the server's first answer (their {@code notifications/initialized} is not forwarded). Requests
 * the server sends on its own go to the session that last sent a request; its other notifications
 * to every session. Rewritten frames are re-serialised (the exact client bytes are sealed, not
 * forwarded). Thread-safe: writes are serialised by the link, output runs on its reader thread.
 */
final class SharedChild {
  private static final System.Logger LOG = System.getLogger(SharedChild.class.getName());

  /** A request in flight: whose it is, its own id and progress token (or null). */
  private record Pending(McpSession session, JsonNode id, JsonNode token, boolean initialize) {}

  private final ChildLink link;
  private final int maxFrameBytes;
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Long> byToken = new ConcurrentHashMap<>();
  private final Set<McpSession> sessions = ConcurrentHashMap.newKeySet();
  private CompletableFuture<ObjectNode> initializeAnswer = new CompletableFuture<>(); // this
  private boolean initializeSent; // guarded by this
  private boolean initializedSent;
  private volatile McpSession lastRequester;
  private volatile boolean exited;
  private final ExecutorService answers =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "aegis-shared-initialize");
            t.setDaemon(true);
            return t;
          });

  private SharedChild(ChildLink link, int maxFrameBytes) {
    this.link = link;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Starts the shared server; {@code onExit} runs (with it) when it closes its output. Throws
   * {@link java.io.UncheckedIOException} when the command cannot start.
   */
  static SharedChild start(List<String> command, int maxFrameBytes, Consumer<SharedChild> onExit) {
    SharedChild shared = new SharedChild(ChildLink.launch(command, maxFrameBytes), maxFrameBytes);
    shared.link.startReading(
        new ChildLink.Lines() {
          @Override
          public void line(byte[] line) {
            shared.fromServer(line);
          }

          @Override
          public void oversized(byte[] prefix, int prefixLength, long length, String sha) {
            LOG.log(
                System.Logger.Level.WARNING,
                "the shared MCP server wrote a line of "
                    + length
                    + " bytes (over "
                    + maxFrameBytes
                    + "); dropped, sha256:"
                    + sha);
          }
        },
        () -> {
          shared.exited = true;
          onExit.accept(shared);
        });
    return shared;
  }

  /** True once the server has closed its output. */
  boolean exited() {
    return exited;
  }

  void attach(McpSession s) {
    sessions.add(s);
  }

  /** The session ended: answers for its requests in flight are dropped. */
  void detach(McpSession s) {
    sessions.remove(s);
    for (Pending p : List.copyOf(pending.values())) {
      if (p.session() == s && pending.values().remove(p) && p.initialize()) {
        ObjectNode failed = Json.object().put("jsonrpc", "2.0");
        failed
            .putObject("error")
            .put("code", -32603)
            .put("message", "the session that initialized the shared MCP server ended first");
        settleInitialize(failed);
      }
    }
    byToken.values().removeIf(id -> !pending.containsKey(id));
    if (lastRequester == s) {
      lastRequester = null;
    }
  }

  /** True while no session uses the server. */
  boolean idle() {
    return sessions.isEmpty();
  }

  /** Writes a frame of {@code s} (sealed by its core) to the server, rewritten as needed. */
  void write(McpSession s, byte[] frame) {
    Frame f = Frame.of(frame);
    try {
      if (f.kind() == FrameKind.REQUEST) {
        request(s, f);
      } else if (f.kind() == FrameKind.NOTIFICATION) {
        notification(s, f);
      } else {
        link.write(frame); // answers to the server's own requests: its ids are unique
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "session " + s.id() + ": unparsable frame dropped");
    }
  }

  private void request(McpSession s, Frame f) throws IOException {
    ObjectNode tree = (ObjectNode) f.tree().deepCopy();
    boolean initialize = "initialize".equals(f.method());
    if (initialize) {
      synchronized (this) {
        if (initializeSent) {
          JsonNode id = tree.get("id");
          // never on the caller's thread: it may be the store's, which the answer's sealing needs
          initializeAnswer.thenAcceptAsync(a -> answerInitialize(s, id, a), answers);
          return;
        }
        initializeSent = true;
      }
    }
    long id = nextId.getAndIncrement();
    JsonNode token = tree.path("params").path("_meta").get("progressToken");
    if (token != null) {
      String fresh = "aegis-" + id;
      ((ObjectNode) tree.path("params").path("_meta")).put("progressToken", fresh);
      byToken.put(fresh, id);
    }
    pending.put(id, new Pending(s, tree.get("id"), token, initialize));
    tree.set("id", LongNode.valueOf(id));
    lastRequester = s;
    link.write(Json.write(tree).getBytes(StandardCharsets.UTF_8));
  }

  private void notification(McpSession s, Frame f) throws IOException {
    String method = f.method();
    if ("notifications/initialized".equals(method)) {
      synchronized (this) {
        if (initializedSent) {
          return; // the server was initialized by the first session
        }
        initializedSent = true;
      }
    } else if ("notifications/cancelled".equals(method)) {
      ObjectNode tree = (ObjectNode) f.tree().deepCopy();
      JsonNode requestId = tree.path("params").get("requestId");
      Long mine = requestId == null ? null : outbound(s, requestId);
      if (mine == null) {
        return; // not in flight (answered already, or never sent): nothing to cancel
      }
      ((ObjectNode) tree.get("params")).put("requestId", mine);
      link.write(Json.write(tree).getBytes(StandardCharsets.UTF_8));
      return;
    }
    link.write(f.bytes());
  }

  /** The server-side id of {@code s}'s request {@code id} in flight, or null. */
  private Long outbound(McpSession s, JsonNode id) {
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      if (e.getValue().session() == s && e.getValue().id().equals(id)) {
        return e.getKey();
      }
    }
    return null;
  }

  private void answerInitialize(McpSession s, JsonNode id, ObjectNode answer) {
    ObjectNode mine = answer.deepCopy();
    mine.set("id", id);
    toSession(s, Json.write(mine).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The server answered the first {@code initialize} (or its session ended first): sessions waiting
   * get the same answer; after a failure the next {@code initialize} reaches the server again.
   */
  private void settleInitialize(ObjectNode answer) {
    CompletableFuture<ObjectNode> waiting;
    synchronized (this) {
      waiting = initializeAnswer;
      if (!answer.has("result")) {
        initializeSent = false;
        initializeAnswer = new CompletableFuture<>();
      }
    }
    waiting.complete(answer);
  }

  /** One line from the server (reader thread): routed to its session, restored. */
  private void fromServer(byte[] line) {
    Frame f = Frame.of(line);
    try {
      if (f.kind().isResponse() && f.id() != null) {
        answer(f);
      } else if (f.kind() == FrameKind.NOTIFICATION
          && "notifications/progress".equals(f.method())) {
        progress(f);
      } else if (f.kind() == FrameKind.REQUEST) {
        McpSession to = lastRequester;
        if (to == null) {
          to = sessions.stream().findFirst().orElse(null);
        }
        if (to == null) {
          LOG.log(
              System.Logger.Level.WARNING, "a request of the shared MCP server found no session");
          return;
        }
        toSession(to, line);
      } else {
        for (McpSession s : sessions) {
          toSession(s, line);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "an unparsable line of the shared MCP server dropped");
    }
  }

  private void answer(Frame f) throws IOException {
    ObjectNode tree = (ObjectNode) f.tree().deepCopy();
    Pending p = tree.get("id").canConvertToLong() ? pending.remove(tree.get("id").asLong()) : null;
    if (p == null) {
      LOG.log(System.Logger.Level.WARNING, "an answer of the shared MCP server for no request");
      return;
    }
    if (p.token() != null) {
      byToken.values().remove(tree.get("id").asLong());
    }
    if (p.initialize()) {
      settleInitialize(tree.deepCopy());
    }
    tree.set("id", p.id());
    toSession(p.session(), Json.write(tree).getBytes(StandardCharsets.UTF_8));
  }

  private void progress(Frame f) throws IOException {
    ObjectNode tree = (ObjectNode) f.tree().deepCopy();
    Long id = byToken.get(tree.path("params").path("progressToken").asText(""));
    Pending p = id == null ? null : pending.get(id);
    if (p == null) {
      return; // its request was answered, or its session ended
    }
    ((ObjectNode) tree.get("params")).set("progressToken", p.token());
    toSession(p.session(), Json.write(tree).getBytes(StandardCharsets.UTF_8));
  }

  /** Hands a (restored) server frame to a session's core and routes the outcome. */
  private void toSession(McpSession s, byte[] bytes) {
    Frame f = Frame.of(bytes);
    ChildLink.route(s, f, s.onFrame(Direction.SERVER_TO_CLIENT, f).join(), b -> write(s, b));
  }

  /** Stops the server (TERM, then KILL, within {@code grace}); returns its exit code. */
  int stop(Duration grace) {
    answers.shutdownNow();
    return link.stop(grace);
  }
}
