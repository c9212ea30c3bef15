package dev.aegis.cli.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.Logging;
import dev.aegis.cli.Version;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import dev.aegis.core.pins.UpstreamPins;
import dev.aegis.core.pipeline.GuardOptions;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.core.pipeline.SessionChain;
import dev.aegis.guard.PolicyGuard;
import dev.aegis.store.ChainStores;
import dev.aegis.transport.stdio.StdioProxy;
import dev.aegis.transport.stdio.StdioProxyConfig;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Wires the proxy of one process: the store, the guard and approvals, then either the stdio proxy
 * (our stdin/stdout to the child, one chain) or the HTTP one ({@link HttpLauncher}), and the signal
 * handlers. With HttpLauncher the only place that knows the concrete classes.
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
      store = ChainStores.open(s.storeUrl(), s.durability());
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
    try {
      approvals = approvals(s, store);
      guards = GuardFactory.create(s);
    } catch (IllegalArgumentException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
      return 2;
    }
    try {
      return runGuarded(s, store, guards, approvals);
    } finally {
      guards.close();
    }
  }

  private int runGuarded(
      ProxySettings s, ChainStore store, GuardFactory guards, ApprovalSettings approvals) {
    if (s.http() != null) {
      return HttpLauncher.run(s, store, guards, approvals);
    }
    SessionChain chain;
    ProxySession session;
    try {
      chain = SessionChain.open(store, InstantSource.system(), s.tenant(), s.user(), s.session());
      long resumedAt = chain.nextSeq();
      PolicyGuard guard = guards.guard(s.trustAnnotations());
      UpstreamPins pins = new UpstreamPins(s.upstreamId(), ChainStores.pins(store));
      session =
          new ProxySession(
              chain, guard, new GuardOptions(s.audit(), s.denyAsError()), approvals, pins);
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
    StdioProxyConfig config =
        new StdioProxyConfig(s.command(), s.maxFrameBytes(), s.shutdownGrace());
    StdioProxy proxy = new StdioProxy(config, session, clientIn, clientOut);
    Signals.onTermination(proxy::shutdown);
    Thread hook = new Thread(proxy::killChild, "aegis-kill-child");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return proxy.run();
    } catch (IOException e) {
      System.err.println(
          "aegis-proxy: cannot start MCP server " + s.command().get(0) + ": " + e.getMessage());
      session.terminate(
          Json.object().put("reason", "server could not be started").put("exit_code", 127));
      return EXIT_NOT_FOUND;
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
    return new ApprovalSettings(
        ChainStores.approvals(store),
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
    o.put("transport", "stdio");
    ArrayNode argv = o.putArray("argv");
    s.command().forEach(argv::add);
    o.put("store", store.describe());
    o.put("durability", s.durability().name().toLowerCase(java.util.Locale.ROOT));
    o.put("max_frame_bytes", s.maxFrameBytes());
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
