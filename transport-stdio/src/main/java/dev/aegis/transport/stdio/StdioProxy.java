package dev.aegis.transport.stdio;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ProxySession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wraps a stdio MCP server: starts it as a child (or opens another {@link ServerLink}), relays
 * newline-delimited JSON-RPC both ways through the core session, and stops in order when either
 * side ends or {@link #shutdown} is called. {@link #run} blocks the calling thread until the
 * session is over.
 */
public final class StdioProxy {
  private static final System.Logger LOG = System.getLogger(StdioProxy.class.getName());

  private final ServerLink.Opener opener;
  private final int maxFrameBytes;
  private final Duration shutdownGrace;
  private final ProxySession session;
  private final InputStream clientIn;
  private final OutputStream clientOut;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicReference<String> stopReason = new AtomicReference<>();
  private volatile ServerLink child;

  /** A proxy between {@code clientIn}/{@code clientOut} (our stdio) and the configured command. */
  public StdioProxy(
      StdioProxyConfig config, ProxySession session, InputStream clientIn, OutputStream clientOut) {
    this(
        toClient -> ChildProcess.start(config.command()),
        config.maxFrameBytes(),
        config.shutdownGrace(),
        session,
        clientIn,
        clientOut);
  }

  /**
   * A proxy between our stdio and the server {@code opener} opens when {@link #run} starts; {@code
   * shutdownGrace} is what {@link ServerLink#stop} is given.
   */
  public StdioProxy(
      ServerLink.Opener opener,
      int maxFrameBytes,
      Duration shutdownGrace,
      ProxySession session,
      InputStream clientIn,
      OutputStream clientOut) {
    this.opener = requireNonNull(opener, "opener");
    this.maxFrameBytes = maxFrameBytes;
    this.shutdownGrace = requireNonNull(shutdownGrace, "shutdownGrace");
    this.session = requireNonNull(session, "session");
    this.clientIn = requireNonNull(clientIn, "clientIn");
    this.clientOut = requireNonNull(clientOut, "clientOut");
  }

  /**
   * Runs the session to its end and returns the server's exit code. Throws {@link IOException} if
   * the server cannot be started (nothing is relayed then).
   */
  public int run() throws IOException, InterruptedException {
    FrameSink clientSink = new FrameSink(clientOut, "client output");
    child = opener.open(frame -> clientSink.write(frame, true));
    LOG.log(System.Logger.Level.DEBUG, "started MCP server " + child);
    FrameSink serverSink = new FrameSink(child.stdin(), "MCP server stdin");
    session.attachOutput(
        (direction, frame) ->
            (direction == Direction.CLIENT_TO_SERVER ? serverSink : clientSink).write(frame, true));
    int max = maxFrameBytes;
    DirectionPump c2s =
        new DirectionPump(
            Direction.CLIENT_TO_SERVER, clientIn, session, clientSink, serverSink, max);
    DirectionPump s2c =
        new DirectionPump(
            Direction.SERVER_TO_CLIENT, child.stdout(), session, clientSink, serverSink, max);
    c2s.start();
    s2c.start();
    Thread watcher = new Thread(() -> awaitEnd(c2s, "client closed its input"), "aegis-c2s-end");
    Thread serverEnd = new Thread(() -> awaitEnd(s2c, "server closed its output"), "aegis-s2c-end");
    watcher.setDaemon(true);
    serverEnd.setDaemon(true);
    watcher.start();
    serverEnd.start();

    stop.await();
    String reason = stopReason.get();
    int exit;
    if (!s2c.isDone()) {
      serverSink.close();
      exit = child.stop(shutdownGrace);
      s2c.awaitDone();
    } else {
      serverSink.close();
      exit = child.stop(shutdownGrace);
    }
    for (byte[] reply : session.upstreamClosed("exit code " + exit)) {
      clientSink.write(reply, false);
    }
    clientSink.flush();
    ObjectNode info = Json.object().put("reason", reason).put("exit_code", exit);
    session.terminate(info);
    return exit;
  }

  private void awaitEnd(DirectionPump pump, String reason) {
    try {
      pump.awaitDone();
      shutdown(reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the orderly end of the session (idempotent; the first reason is recorded). */
  public void shutdown(String reason) {
    stopReason.compareAndSet(null, reason);
    stop.countDown();
  }

  /** Kills the child at once; for JVM shutdown hooks when the orderly path could not run. */
  public void killChild() {
    ServerLink c = child;
    if (c != null) {
      c.kill();
    }
  }
}
