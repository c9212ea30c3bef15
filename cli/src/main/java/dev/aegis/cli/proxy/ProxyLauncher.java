package dev.aegis.cli.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.Logging;
import dev.aegis.cli.Version;
import dev.aegis.cli.api.ApiContext;
import dev.aegis.cli.api.BearerTokens;
import dev.aegis.cli.api.ControlApi;
import dev.aegis.cli.api.ListenAddress;
import dev.aegis.cli.metrics.PrometheusMetrics;
import dev.aegis.cli.replay.RecordedHttpServer;
import dev.aegis.cli.replay.RecordedServer;
import dev.aegis.cli.replay.ReplayException;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import dev.aegis.core.metrics.MeteredChainStore;
import dev.aegis.core.pins.UpstreamPins;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.GuardOptions;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.core.pipeline.RateLimiter;
import dev.aegis.core.pipeline.SessionChain;
import dev.aegis.guard.PolicyGuard;
import dev.aegis.store.BodyKeys;
import dev.aegis.store.ChainStores;
import dev.aegis.transport.http.HttpUpstreamConfig;
import dev.aegis.transport.http.HttpUpstreamLink;
import dev.aegis.transport.stdio.StdioProxy;
import dev.aegis.transport.stdio.StdioProxyConfig;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Wires the proxy of one process: the store, the guard and approvals, then either the stdio proxy
 * (our stdin/stdout to the child or to an HTTP upstream, one chain) or the HTTP one ({@link
 * HttpLauncher}), and the signal handlers. With HttpLauncher the only place that knows the concrete
 * classes.
 */
final class ProxyLauncher {
  static final int EXIT_UNAVAILABLE = 69;
  static final int EXIT_NOT_FOUND = 127;

  private final InputStream clientIn;
  private final OutputStream clientOut;

  private ProxyLauncher(InputStream clientIn, OutputStream clientOut) {
    this.clientIn = clientIn;
    this.clientOut = clientOut;
  }

  /**
   * The launcher for this process. It takes the real stdout for frames and points System.out at
   * stderr, so a stray print from any library can never corrupt the protocol stream.
   */
  static ProxyLauncher forProcess() {
    OutputStream frames =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    System.setOut(System.err);
    return new ProxyLauncher(new FileInputStream(FileDescriptor.in), frames);
  }

  int run(ProxySettings s) {
    try {
      Logging.configure(s.logLevel());
    } catch (IllegalArgumentException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
      return 2;
    }
    ChainStore store;
    try {
      store =
          ChainStores.open(
              s.storeUrl(),
              s.durability(),
              s.bodyKeys() == null ? null : BodyKeys.in(s.bodyKeys()));
    } catch (ChainStoreException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
      return e.reason() == ChainStoreException.Reason.STORE_CONFIG ? 2 : EXIT_UNAVAILABLE;
    }
    try {
      return runWith(s, store);
    } finally {
      store.close();
    }
  }

  private int runWith(ProxySettings s, ChainStore store) {
    GuardFactory guards;
    ApprovalSettings approvals;
    BearerTokens tokens;
    PrometheusMetrics metrics = new PrometheusMetrics();
    Checkpointer checkpointer;
    try {
      checkpointer = CheckpointKeys.create(s, store);
      tokens =
          s.adminListen() == null
              ? BearerTokens.none()
              : BearerTokens.load(s.adminTokenFile(), System.getenv(BearerTokens.ENV));
      approvals = approvals(s, store);
      guards = GuardFactory.create(s.guardSettings(), metrics);
    } catch (IllegalArgumentException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
      return 2;
    }
    try (checkpointer) {
      Wiring w = new Wiring(store, new MeteredChainStore(store, metrics), guards, metrics, tokens);
      return runGuarded(s, w, approvals, checkpointer);
    } finally {
      guards.close();
    }
  }

  /**
   * The parts a run shares with its control API: the store (plain, and metered for the chains) and
   * metrics. Registers the sealing queue gauge of the metered store.
   */
  record Wiring(
      ChainStore rawStore,
      MeteredChainStore store,
      GuardFactory guards,
      PrometheusMetrics metrics,
      BearerTokens tokens) {
    Wiring {
      metrics.sealingQueue(store, MeteredChainStore::queued);
    }
  }

  private int runGuarded(
      ProxySettings s, Wiring w, ApprovalSettings approvals, Checkpointer checkpointer) {
    ChainStore store = w.rawStore();
    GuardFactory guards = w.guards();
    if (s.http() != null) {
      return HttpLauncher.run(s, w, approvals, checkpointer);
    }
    SessionChain chain;
    ProxySession session;
    try {
      chain =
          SessionChain.open(w.store(), InstantSource.system(), s.tenant(), s.user(), s.session());
      long resumedAt = chain.nextSeq();
      chain.checkpoints(checkpointer);
      PolicyGuard guard = guards.guard(s.trustAnnotations());
      UpstreamPins pins = new UpstreamPins(s.upstreamId(), ChainStores.pins(store));
      session =
          new ProxySession(
              chain,
              guard,
              new GuardOptions(s.audit(), s.denyAsError()),
              approvals,
              pins,
              new RateLimiter(s.rateLimits(), InstantSource.system()));
      if (resumedAt > 0) { // a restart continues the session: rebuild its state from the chain
        ProxySession resumed = session;
        store.read(s.tenant(), s.session(), r -> resumed.replay(EnvelopeHasher.parse(r.sealed())));
      }
      ObjectNode info = startInfo(s, store, resumedAt);
      guards.describe(info, s);
      session.start(info);
      System.err.println(
          "aegis: session "
              + s.session()
              + (resumedAt > 0 ? " (continuing at seq " + resumedAt + ")" : "")
              + " tenant "
              + s.tenant()
              + " upstream "
              + s.upstreamId()
              + " store "
              + store.describe());
    } catch (ChainStoreException | java.util.concurrent.CompletionException e) {
      System.err.println("aegis-proxy: cannot start the audit chain: " + rootMessage(e));
      return EXIT_UNAVAILABLE;
    }
    ControlApi admin;
    try {
      admin = startAdmin(s, w, session);
    } catch (IOException e) {
      System.err.println(
          "aegis-proxy: cannot serve --admin-listen " + s.adminListen() + ": " + e.getMessage());
      session.terminate(Json.object().put("reason", "admin listener could not be bound"));
      return EXIT_UNAVAILABLE;
    }
    try (admin) {
      return relay(s, session);
    }
  }

  /** Starts the control API beside the proxy when --admin-listen is set (else a closed stub). */
  private static ControlApi startAdmin(ProxySettings s, Wiring w, ProxySession session)
      throws IOException {
    PrometheusMetrics m = w.metrics();
    for (Direction d : Direction.values()) {
      m.frames(d.wireName(), session, x -> x.sealedFrames(d));
    }
    m.openSessions(session, x -> 1);
    return startAdmin(s, w, () -> List.of(session.chain()));
  }

  /**
   * Starts the control API when --admin-listen is set (else returns null), listing the chains
   * {@code live} gives as the sessions this proxy serves now.
   */
  static ControlApi startAdmin(ProxySettings s, Wiring w, Supplier<List<SessionChain>> live)
      throws IOException {
    if (s.adminListen() == null) {
      return null;
    }
    ApiContext ctx =
        new ApiContext(
            w.store(), w.rawStore(), w.guards(), w.metrics(), InstantSource.system(), live);
    ControlApi api = ControlApi.start(s.adminListen(), ctx, w.tokens(), s.adminTls());
    System.err.println(
        "aegis: control API on "
            + (api.secure() ? "https://" : "http://")
            + api.address().getHostString()
            + ":"
            + api.address().getPort());
    return api;
  }

  private int relay(ProxySettings s, ProxySession session) {
    HttpUpstreamConfig remote = s.httpUpstream();
    StdioProxy proxy =
        remote == null
            ? new StdioProxy(
                new StdioProxyConfig(s.command(), s.maxFrameBytes(), s.shutdownGrace()),
                session,
                clientIn,
                clientOut)
            : new StdioProxy(
                toClient -> HttpUpstreamLink.open(remote, session, toClient),
                s.maxFrameBytes(),
                s.shutdownGrace(),
                session,
                clientIn,
                clientOut);
    Signals.onTermination(proxy::shutdown);
    Thread hook = new Thread(proxy::killChild, "aegis-kill-child");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return proxy.run();
    } catch (IOException e) {
      String what = remote == null ? "cannot start MCP server " + s.command().get(0) + ": " : "";
      System.err.println("aegis-proxy: " + what + e.getMessage());
      session.terminate(
          Json.object()
              .put(
                  "reason",
                  remote == null ? "server could not be started" : "server could not be reached")
              .put("exit_code", EXIT_NOT_FOUND));
      return EXIT_NOT_FOUND;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  /**
   * Serves a recorded session as a stdio MCP server on this process's stdin/stdout until stdin
   * ends; 0 then, 2 when the session or store cannot be read.
   */
  int serveRecording(String storeUrl, String tenant, String session) {
    try (ChainStore store = ChainStores.openExisting(storeUrl)) {
      RecordedServer server = RecordedServer.of(store, tenant, session);
      System.err.println(
          "aegis: serving recorded session " + session + " from " + store.describe());
      server.serve(clientIn, clientOut);
      return 0;
    } catch (ChainStoreException | ReplayException e) {
      System.err.println("aegis-proxy: --replay-from: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("aegis-proxy: --replay-from: " + e);
      return 2;
    }
  }

  /**
   * Serves a recorded session over Streamable HTTP on {@code listen} ({@code HOST:PORT} or {@code
   * PORT}) at {@code path} until a signal stops it; 0 then, 2 when the session or store cannot be
   * read or the address is malformed, 69 when it cannot be bound.
   */
  int serveRecordingHttp(
      String storeUrl, String tenant, String session, String listen, String path) {
    InetSocketAddress address;
    try {
      address =
          ListenAddress.parse(
              "listen",
              listen.startsWith(":")
                  ? "127.0.0.1" + listen
                  : listen.contains(":") ? listen : "127.0.0.1:" + listen);
    } catch (IllegalArgumentException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
      return 2;
    }
    try (ChainStore store = ChainStores.openExisting(storeUrl);
        RecordedHttpServer server =
            RecordedHttpServer.start(
                store, tenant, session, address, path, StdioProxyConfig.DEFAULT_MAX_FRAME_BYTES)) {
      System.err.println(
          "aegis: serving recorded session "
              + session
              + " from "
              + store.describe()
              + " on http://"
              + server.address().getHostString()
              + ":"
              + server.address().getPort()
              + path);
      CountDownLatch stop = new CountDownLatch(1);
      Signals.onTermination(r -> stop.countDown());
      stop.await();
      return 0;
    } catch (ChainStoreException | ReplayException e) {
      System.err.println("aegis-proxy: --replay-from: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("aegis-proxy: --replay-from: cannot listen on " + listen + ": " + e);
      return EXIT_UNAVAILABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  static ApprovalSettings approvals(ProxySettings s, ChainStore store) {
    // A key given explicitly (or already there) is read now, so a bad one fails at startup; the
    // default one is only created when the first approval needs it.
    Path keyFile = s.approvalKey() != null ? s.approvalKey() : ApprovalKeyFile.defaultPath();
    ApprovalSigner signer =
        s.approvalKey() != null || java.nio.file.Files.exists(keyFile)
            ? new ApprovalSigner(ApprovalKeyFile.loadOrCreate(keyFile))
            : ApprovalSigner.lazy(() -> ApprovalKeyFile.loadOrCreate(keyFile));
    ApprovalStore approvals = ChainStores.approvals(store);
    return new ApprovalSettings(
        s.approvalNotify() == null ? approvals : new ApprovalWebhook(approvals, s.approvalNotify()),
        signer,
        s.approvalHold(),
        s.approvalTtl(),
        Duration.ofMillis(250),
        InstantSource.system());
  }

  private static ObjectNode startInfo(ProxySettings s, ChainStore store, long resumedAt) {
    ObjectNode o = Json.object();
    o.put("proxy", "aegis-proxy");
    o.put("version", Version.get());
    if (s.httpUpstream() == null) {
      o.put("transport", "stdio");
      ArrayNode argv = o.putArray("argv");
      s.command().forEach(argv::add);
    } else { // stdio to the client, Streamable HTTP to the server; the URL without credentials
      o.put("transport", "stdio-http");
      o.put("upstream_url", HttpUpstreamConfig.redacted(s.httpUpstream().url()));
    }
    o.put("store", store.describe());
    o.put("durability", s.durability().name().toLowerCase(java.util.Locale.ROOT));
    o.put("max_frame_bytes", s.maxFrameBytes());
    o.put("checkpoint_every", s.checkpointEvery());
    if (!s.rateLimits().none()) { // replay rebuilds the limiter from it
      o.put("rate_limits", s.rateLimits().spec());
    }
    if (resumedAt > 0) {
      o.put("resumed_at_seq", resumedAt);
    }
    return o;
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  void exit(int code) {
    try {
      clientOut.flush();
    } catch (IOException e) {
      // the client is gone; nothing left to tell it
    }
    System.exit(code);
  }
}
