package dev.aegis.transport.http;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.frame.JsonRpcId;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.transport.stdio.ServerLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A Streamable HTTP (2025-x) upstream seen by the stdio proxy as a server's stdin and stdout: every
 * frame written is POSTed to the upstream, and the answers (a JSON body or an event stream) and the
 * session's GET stream are read back as lines. The initialize answer's {@code Mcp-Session-Id} and
 * negotiated version go on every later request; a broken event stream is resumed with {@code
 * Last-Event-ID}; an HTTP error answers the request with a JSON-RPC error; an unreachable upstream
 * ends the stream like a child that exits. Writes never block (POSTs are asynchronous); responses
 * are read on a pool of daemon threads.
 */
public final class HttpUpstreamLink implements ServerLink {
  /** The exit code {@link #stop} gives when the upstream went away during the session. */
  public static final int EXIT_GONE = 69;

  private static final System.Logger LOG = System.getLogger(HttpUpstreamLink.class.getName());
  private static final int RESUME_ATTEMPTS = 3;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpUpstreamConfig config;
  private final UpstreamRequests requests;
  private final ProxySession session;
  private final Consumer<byte[]> toClient;
  private final ExecutorService readers;
  private final HttpClient client;
  private final FrameQueueStream fromServer = new FrameQueueStream();
  private final LineOutput toServer = new LineOutput(this::send, () -> {});
  private final Set<InputStream> open = ConcurrentHashMap.newKeySet();
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> initialized = new CompletableFuture<>();
  private final AtomicBoolean serverStream = new AtomicBoolean();
  private final Object order = new Object();
  private List<byte[]> held; // frames waiting for the initialize answer; guarded by order
  private volatile JsonRpcId initializeId;
  private volatile boolean stopping;
  private volatile String gone;

  private HttpUpstreamLink(
      HttpUpstreamConfig config, ProxySession session, Consumer<byte[]> toClient)
      throws IOException {
    this.config = config;
    this.requests = new UpstreamRequests(config);
    this.session = session;
    this.toClient = toClient;
    this.readers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "aegis-http-upstream");
              t.setDaemon(true);
              return t;
            });
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(readers);
    if (config.caPem() != null) {
      b.sslContext(UpstreamRequests.trusting(config.caPem()));
    }
    this.client = b.build();
  }

  /**
   * Checks that the upstream accepts connections and returns the link; throws {@link IOException}
   * with a message naming the URL (never its credentials) when it does not.
   */
  public static HttpUpstreamLink open(
      HttpUpstreamConfig config, ProxySession session, Consumer<byte[]> toClient)
      throws IOException {
    requireNonNull(session, "session");
    requireNonNull(toClient, "toClient");
    String where = HttpUpstreamConfig.redacted(config.url());
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(config.url().getHost(), config.port()),
          (int) CONNECT_TIMEOUT.toMillis());
    } catch (IOException e) {
      throw new IOException("cannot reach the MCP server at " + where + ": " + e, e);
    }
    return new HttpUpstreamLink(config, session, toClient);
  }

  @Override
  public InputStream stdout() {
    return fromServer;
  }

  @Override
  public OutputStream stdin() {
    return toServer;
  }

  /**
   * POSTs one frame the core let through. While initialize is unanswered, later frames are held
   * (they need its session id and version) and POSTed in order once it is; never blocks.
   */
  private void send(byte[] bytes) {
    synchronized (order) {
      if (held != null) {
        held.add(bytes);
        return;
      }
      post(bytes);
    }
  }

  /** Sends the frames held while initialize was unanswered, in order, then stops holding. */
  private void release() {
    synchronized (order) {
      List<byte[]> frames = held;
      held = null;
      if (frames != null) {
        frames.forEach(this::post);
      }
    }
  }

  /** Called with {@link #order} held, so POSTs leave in the order the frames came. */
  private void post(byte[] bytes) {
    if (gone != null || stopping) {
      return; // the session is ending: the core answers what is still waiting
    }
    Frame f = Frame.of(bytes);
    boolean init = f.kind() == FrameKind.REQUEST && "initialize".equals(f.method());
    if (init) {
      initializeId = f.id();
      held = new ArrayList<>();
    }
    CompletableFuture<Void> done =
        client
            .sendAsync(requests.post(bytes), BodyHandlers.ofInputStream())
            .thenAcceptAsync(r -> answered(f, r), readers)
            .exceptionally(
                e -> {
                  unreachable(f, e);
                  return null;
                });
    inFlight.add(done);
    done.whenComplete((ok, err) -> inFlight.remove(done));
    if (init) { // the answer was relayed, refused, or never came: release what waits
      CompletableFuture.anyOf(initialized, done).thenRunAsync(this::release, readers);
    } else if (f.kind() == FrameKind.NOTIFICATION
        && "notifications/initialized".equals(f.method())) {
      done.thenRun(this::openServerStream);
    }
  }

  private void answered(Frame f, HttpResponse<InputStream> r) {
    JsonRpcId waiting = f.kind() == FrameKind.REQUEST ? f.id() : null;
    try (InputStream body = r.body()) {
      open.add(body);
      int status = r.statusCode();
      if (status < 200 || status > 299) {
        refused(f, waiting, status);
        return;
      }
      if (waiting != null && waiting.equals(initializeId)) {
        r.headers().firstValue("Mcp-Session-Id").ifPresent(requests::sessionId);
      }
      String type = r.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
      if (type.startsWith("text/event-stream")) {
        stream(body, waiting);
      } else if (type.startsWith("application/json")) {
        byte[] json = body.readNBytes(config.maxFrameBytes() + 1);
        if (json.length > config.maxFrameBytes()) {
          fail(waiting, "the answer exceeds " + config.maxFrameBytes() + " bytes");
        } else if (!deliver(json, waiting)) {
          fail(waiting, "HTTP " + status + " without the answer");
        }
      } else if (waiting != null) {
        fail(waiting, "HTTP " + status + " without an answer (Content-Type '" + type + "')");
      }
    } catch (IOException e) {
      if (!stopping) {
        fail(waiting, "the answer broke off: " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(r.body());
    }
  }

  /** Reads a POST's event stream until the request's answer came, resuming it when it breaks. */
  private void stream(InputStream body, JsonRpcId waiting) throws InterruptedException {
    SseBodyReader reader = new SseBodyReader(config.maxFrameBytes());
    boolean[] answered = {false};
    Consumer<byte[]> frames = data -> answered[0] |= deliverOrStop(data, waiting);
    InputStream in = body;
    for (int attempt = 0; ; attempt++) {
      try {
        reader.read(in, frames);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "upstream event stream broke: " + e.getMessage());
      } finally {
        open.remove(in);
      }
      if (waiting == null || answered[0] || stopping || gone != null) {
        return;
      }
      if (reader.lastEventId() == null || attempt >= RESUME_ATTEMPTS) {
        fail(waiting, "the event stream ended before the answer");
        return;
      }
      HttpResponse<InputStream> r;
      try {
        r = client.send(requests.get(reader.lastEventId()), BodyHandlers.ofInputStream());
      } catch (IOException e) {
        fail(waiting, "resuming the event stream: " + e);
        upstreamGone("resuming an event stream: " + e);
        return;
      }
      if (r.statusCode() != 200) {
        quietly(r.body());
        fail(waiting, "resuming the event stream: HTTP " + r.statusCode());
        return;
      }
      in = r.body();
      open.add(in);
    }
  }

  /** Opens the session's GET stream once, for server-initiated messages; 405 means none. */
  private void openServerStream() {
    if (gone == null && !stopping && serverStream.compareAndSet(false, true)) {
      readers.execute(this::serverStream);
    }
  }

  private void serverStream() {
    SseBodyReader reader = new SseBodyReader(config.maxFrameBytes());
    int quiet = 0;
    while (!stopping && gone == null && quiet < RESUME_ATTEMPTS) {
      HttpResponse<InputStream> r;
      try {
        r = client.send(requests.get(reader.lastEventId()), BodyHandlers.ofInputStream());
      } catch (IOException e) {
        quiet++;
        continue;
      } catch (InterruptedException e) {
        return;
      }
      InputStream body = r.body();
      open.add(body);
      try (body) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (r.statusCode() != 200 || !type.toLowerCase(Locale.ROOT).startsWith("text/event")) {
          if (r.statusCode() != 405) {
            LOG.log(
                System.Logger.Level.WARNING, "upstream GET stream refused: HTTP " + r.statusCode());
          }
          return;
        }
        int before = reader.events();
        reader.read(body, data -> deliverOrStop(data, null));
        quiet = reader.events() > before ? 0 : quiet + 1;
      } catch (IOException e) {
        quiet++;
      } finally {
        open.remove(body);
      }
    }
  }

  /**
   * Queues one frame from the upstream for the client, on one line; true when it is the answer to
   * {@code waiting}. The initialize answer's version is noted before the answer is released.
   */
  private boolean deliver(byte[] data, JsonRpcId waiting) throws InterruptedException {
    byte[] line = OneLine.of(data);
    if (line.length == 0) {
      return false;
    }
    Frame f = Frame.of(line);
    boolean answer = waiting != null && f.kind().isResponse() && waiting.equals(f.id());
    boolean init = answer && waiting.equals(initializeId);
    if (init) {
      try {
        String v = f.tree().path("result").path("protocolVersion").asText(null);
        if (v != null) {
          requests.protocolVersion(v);
        }
      } catch (IOException e) {
        // not JSON: the client gets it as it is, later requests go without a version
      }
    }
    fromServer.offer(line);
    if (init) {
      initialized.complete(null);
    }
    return answer;
  }

  private boolean deliverOrStop(byte[] data, JsonRpcId waiting) {
    try {
      return deliver(data, waiting);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while relaying", e);
    }
  }

  private void refused(Frame f, JsonRpcId waiting, int status) {
    if (waiting != null) {
      fail(waiting, "the upstream answered HTTP " + status);
    } else {
      LOG.log(
          System.Logger.Level.WARNING,
          "upstream answered HTTP " + status + " to a " + f.kind().wireName());
    }
  }

  /** Answers {@code id} with the core's sealed error (nothing for a notification or response). */
  private void fail(JsonRpcId id, String why) {
    if (id != null && !stopping) {
      if (id.equals(initializeId)) {
        initialized.complete(null);
      }
      toClient.accept(session.upstreamFailed(id, why));
    }
  }

  private void unreachable(Frame f, Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (stopping) {
      return;
    }
    String why = "cannot reach " + HttpUpstreamConfig.redacted(config.url()) + ": " + cause;
    fail(f.kind() == FrameKind.REQUEST ? f.id() : null, why);
    if (cause instanceof IOException) {
      upstreamGone(why);
    } else {
      LOG.log(System.Logger.Level.ERROR, "relaying to the upstream failed: " + cause, cause);
    }
  }

  /** The upstream went away: ends our output, so the session ends as when a child exits. */
  private void upstreamGone(String why) {
    if (gone == null) {
      gone = why;
      LOG.log(System.Logger.Level.WARNING, "MCP server gone: " + why);
      fromServer.end();
    }
  }

  /**
   * Waits up to {@code grace} for the requests still in flight (their answers are relayed), then
   * ends the MCP session on the upstream (DELETE, again within {@code grace}) and every stream;
   * returns 0, or {@link #EXIT_GONE} when the upstream went away first.
   */
  @Override
  public int stop(Duration grace) throws InterruptedException {
    try {
      CompletableFuture.allOf(inFlight.toArray(new CompletableFuture<?>[0]))
          .get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // what is still waiting gets the core's "closed before answering"
    }
    stopping = true;
    if (gone == null && requests.sessionId() != null) {
      try {
        Duration wait =
            grace.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : grace;
        HttpResponse<Void> r = client.send(requests.delete(wait), BodyHandlers.discarding());
        LOG.log(System.Logger.Level.DEBUG, "upstream session deleted: HTTP " + r.statusCode());
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "DELETE of the upstream session failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    kill();
    return gone == null ? 0 : EXIT_GONE;
  }

  @Override
  public void kill() {
    stopping = true;
    open.forEach(HttpUpstreamLink::quietly);
    fromServer.end();
    readers.shutdown(); // no interrupts: closing the streams ends the readers
  }

  private static void quietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public String toString() {
    return "HTTP upstream " + HttpUpstreamConfig.redacted(config.url());
  }
}
