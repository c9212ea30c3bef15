package dev.aegis.cli.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.Version;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.UpstreamPins;
import dev.aegis.core.pipeline.GuardOptions;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.core.pipeline.RateLimiter;
import dev.aegis.core.pipeline.SessionChain;
import dev.aegis.store.ChainStores;
import dev.aegis.transport.http.HttpProxy;
import dev.aegis.transport.http.HttpProxyConfig;
import dev.aegis.transport.http.SessionFactory;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs aegis-proxy in Streamable HTTP mode (relaying to an HTTP upstream, or bridging a stdio
 * server with one child per session): one chain, guard and core session per MCP session, wired
 * exactly as the stdio proxy wires its single session, until a signal stops it; then every
 * session's termination is sealed.
 */
final class HttpLauncher {
  private HttpLauncher() {}

  static int run(
      ProxySettings s, ChainStore store, GuardFactory guards, ApprovalSettings approvals) {
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
            s.shutdownGrace());
    // one limiter for the process: every MCP session of a tenant draws from the same buckets
    RateLimiter limiter = new RateLimiter(s.rateLimits(), InstantSource.system());
    SessionFactory sessions = () -> open(s, store, guards, approvals, limiter);
    HttpProxy proxy;
    try {
      proxy = HttpProxy.start(config, h.hardening(), sessions);
    } catch (IOException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
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
            + store.describe());
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<String> reason = new AtomicReference<>();
    Signals.onTermination(
        r -> {
          reason.compareAndSet(null, r);
          stop.countDown();
        });
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxy.close(reason.get() == null ? "proxy stopped" : reason.get());
    return 0;
  }

  /** One MCP session's core session, as ProxyLauncher wires the stdio one. */
  private static ProxySession open(
      ProxySettings s,
      ChainStore store,
      GuardFactory guards,
      ApprovalSettings approvals,
      RateLimiter limiter) {
    String id = SessionIds.next();
    SessionChain chain = SessionChain.open(store, InstantSource.system(), s.tenant(), s.user(), id);
    UpstreamPins pins = new UpstreamPins(s.upstreamId(), ChainStores.pins(store));
    ProxySession session =
        new ProxySession(
            chain,
            guards.guard(s.trustAnnotations()),
            new GuardOptions(s.audit(), s.denyAsError()),
            approvals,
            pins,
            limiter);
    ObjectNode info = Json.object();
    info.put("proxy", "aegis-proxy");
    info.put("version", Version.get());
    info.put("transport", "http");
    if (!s.command().isEmpty()) { // bridging: this session's own stdio server
      ArrayNode argv = info.putArray("argv");
      s.command().forEach(argv::add);
    }
    info.put("store", store.describe());
    info.put("durability", s.durability().name().toLowerCase(Locale.ROOT));
    info.put("max_frame_bytes", s.maxFrameBytes());
    if (!s.rateLimits().none()) { // process-wide buckets: replay sees only this session's calls
      info.put("rate_limits", s.rateLimits().spec());
    }
    guards.describe(info, s);
    session.start(info);
    System.err.println("aegis: session " + id + " started (tenant " + s.tenant() + ")");
    return session;
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
