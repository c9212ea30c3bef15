package dev.aegis.cli.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.Version;
import dev.aegis.cli.api.ControlApi;
import dev.aegis.cli.metrics.PrometheusMetrics;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.core.json.Json;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.core.pipeline.RateLimiter;
import dev.aegis.store.ChainStores;
import dev.aegis.transport.http.HttpProxy;
import dev.aegis.transport.http.HttpProxyConfig;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs aegis-proxy in Streamable HTTP mode (relaying to an HTTP upstream, or bridging a stdio
 * server with one child per session): one chain, guard and core session per MCP session, wired
 * exactly as the stdio proxy wires its single session ({@link HttpSessions}), the control API
 * beside it on {@code --admin-listen} serving every live session, until a signal stops it; then
 * every session's termination is sealed (and checkpointed).
 */
final class HttpLauncher {
  private HttpLauncher() {}

  static int run(
      ProxySettings s,
      ProxyLauncher.Wiring w,
      ApprovalSettings approvals,
      Checkpointer checkpointer) {
    HttpSettings h = s.http();
    HttpProxyConfig config =
        new HttpProxyConfig(
            h.host(),
            h.port(),
            h.upstream(),
            s.command(),
            h.mcpPath(),
            s.maxFrameBytes(),
            h.sessionIdle(),
            s.shutdownGrace(),
            h.sharedUpstream());
    // one limiter for the process: every MCP session of a tenant draws from the same buckets
    RateLimiter limiter = new RateLimiter(s.rateLimits(), InstantSource.system());
    HttpSessions sessions =
        new HttpSessions(
            s,
            w.store(),
            w.guards(),
            approvals,
            limiter,
            checkpointer,
            ChainStores.sessionKeys(w.rawStore()),
            ChainStores.pins(w.rawStore()));
    HttpProxy proxy;
    try {
      proxy = HttpProxy.start(config, h.hardening(), sessions);
    } catch (IOException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
      return ProxyLauncher.EXIT_UNAVAILABLE;
    }
    ControlApi admin;
    try {
      admin = startAdmin(s, w, proxy);
    } catch (IOException e) {
      System.err.println(
          "aegis-proxy: cannot serve --admin-listen " + s.adminListen() + ": " + e.getMessage());
      proxy.close("admin listener could not be bound");
      return ProxyLauncher.EXIT_UNAVAILABLE;
    }
    System.err.println(
        "aegis: listening on "
            + (h.hardening().tls() == null ? "http://" : "https://")
            + hostForUrl(proxy.localAddress().getHostString())
            + ":"
            + proxy.localAddress().getPort()
            + h.mcpPath()
            + " upstream "
            + s.upstreamId()
            + " tenant "
            + s.tenant()
            + " store "
            + w.rawStore().describe());
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<String> reason = new AtomicReference<>();
    Signals.onTermination(
        r -> {
          reason.compareAndSet(null, r);
          stop.countDown();
        });
    try (admin) {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      proxy.close(reason.get() == null ? "proxy stopped" : reason.get());
    }
    return 0;
  }

  /** Registers the process's session and frame meters and starts the control API, if asked. */
  private static ControlApi startAdmin(ProxySettings s, ProxyLauncher.Wiring w, HttpProxy proxy)
      throws IOException {
    PrometheusMetrics m = w.metrics();
    for (Direction d : Direction.values()) {
      m.frames(d.wireName(), proxy, p -> p.sealedFrames(d));
    }
    m.openSessions(proxy, p -> p.sessions().size());
    return ProxyLauncher.startAdmin(
        s, w, () -> proxy.sessions().stream().map(ProxySession::chain).toList());
  }

  /** The SESSION_STARTED details of an HTTP session, as the stdio proxy writes its own. */
  static ObjectNode startInfo(ProxySettings s, String store) {
    ObjectNode info = Json.object();
    info.put("proxy", "aegis-proxy");
    info.put("version", Version.get());
    info.put("transport", "http");
    if (!s.command().isEmpty()) { // bridging: this session's own stdio server
      ArrayNode argv = info.putArray("argv");
      s.command().forEach(argv::add);
      if (s.http().sharedUpstream()) {
        info.put("shared_upstream", true);
      }
    }
    info.put("store", store);
    info.put("durability", s.durability().name().toLowerCase(Locale.ROOT));
    info.put("max_frame_bytes", s.maxFrameBytes());
    if (!s.rateLimits().none()) { // process-wide buckets: replay sees only this session's calls
      info.put("rate_limits", s.rateLimits().spec());
    }
    info.put("checkpoint_every", s.checkpointEvery());
    return info;
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
