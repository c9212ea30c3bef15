package dev.aegis.transport.http;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ProxySession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Streamable HTTP proxy: serves the MCP endpoint and relays to the upstream MCP server (or,
 * when bridging, to one stdio server child per session), running every message through one core
 * session per MCP session. Netty event loops do the I/O; opening and ending sessions (chain store
 * I/O) and calls into the core run on a worker pool. {@link #close} is thread-safe and idempotent.
 */
public final class HttpProxy implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HttpProxy.class.getName());

  private final EventLoopGroup group;
  private final ExecutorService work;
  private final Upstream upstream;
  private final McpSessions sessions;
  private final Channel server;
  private final InFlightHandler.Counter inFlight;
  private final Duration grace;
  private volatile boolean closed;

  private HttpProxy(
      EventLoopGroup group,
      ExecutorService work,
      Upstream upstream,
      McpSessions sessions,
      Channel server,
      InFlightHandler.Counter inFlight,
      Duration grace) {
    this.inFlight = inFlight;
    this.grace = grace;
    this.group = group;
    this.work = work;
    this.upstream = upstream;
    this.sessions = sessions;
    this.server = server;
  }

  /**
   * Binds the listener and returns the running proxy; throws {@link IOException} when the address
   * cannot be bound (nothing is left running then).
   */
  public static HttpProxy start(HttpProxyConfig config, SessionFactory factory) throws IOException {
    return start(config, HttpHardening.defaults(config.maxBodyBytes()), factory);
  }

  /**
   * Binds the listener with {@code hardening} (TLS, origins, request limits) and returns the
   * running proxy; throws {@link IOException} when the address cannot be bound or the TLS files
   * cannot be read (nothing is left running then).
   */
  public static HttpProxy start(
      HttpProxyConfig config, HttpHardening hardening, SessionFactory factory) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(hardening, "hardening");
    requireNonNull(factory, "factory");
    ListenerSetup setup = ListenerSetup.of(config, hardening);
    UpstreamTls upstreamTls =
        config.bridging() ? null : UpstreamTls.of(config, hardening.upstreamCa());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(NettyTransport.chosen().ioHandler());
    LOG.log(System.Logger.Level.DEBUG, "I/O transport: " + NettyTransport.chosen());
    ExecutorService work =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "aegis-http-work");
              t.setDaemon(true);
              return t;
            });
    Upstream upstream = config.bridging() ? null : new Upstream(group, config, upstreamTls);
    McpSessions sessions = new McpSessions(factory, work, config);
    Relay relay = new Relay(upstream, config, sessions);
    sessions.relay(relay);
    McpEndpoint endpoint = new McpEndpoint(config, sessions, relay);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NettyTransport.chosen().serverChannel())
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    setup.addHardening(ch);
                    ch.pipeline().addLast(new FrontendHandler(endpoint));
                  }
                });
    Channel server;
    try {
      server = b.bind(config.host(), config.port()).sync().channel();
    } catch (Exception e) {
      if (upstream != null) {
        upstream.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      work.shutdownNow();
      throw new IOException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    Duration idle = config.sessionIdle();
    long every = Math.max(1000, Math.min(idle.toMillis() / 2, 30_000));
    group
        .next()
        .scheduleAtFixedRate(
            () -> work.execute(() -> sessions.sweep(idle)), every, every, TimeUnit.MILLISECONDS);
    return new HttpProxy(
        group, work, upstream, sessions, server, setup.inFlight(), config.shutdownGrace());
  }

  /** The bound address (the actual port when 0 was asked for). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The core sessions open now (a snapshot; any thread). */
  public List<ProxySession> sessions() {
    return sessions.live();
  }

  /** Frame events sealed in {@code direction} by every session so far, ended ones included. */
  public long sealedFrames(Direction direction) {
    return sessions.sealedFrames(direction);
  }

  /** Blocks until {@link #close} has run. */
  public void awaitClosed() throws InterruptedException {
    server.closeFuture().sync();
    while (!closed) {
      Thread.sleep(10);
    }
  }

  /**
   * Stops accepting, waits up to the shutdown grace for POSTs in flight to be answered (requests on
   * connections already open are still served meanwhile), ends every session (sealing its
   * TERMINATION, blocking until durable), then stops the event loops. Clients still connected see
   * their connections close.
   */
  public void close(String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      server.close().awaitUninterruptibly();
      drain();
      try {
        sessions.endAll(reason);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "ending sessions failed: " + e);
      }
      if (upstream != null) {
        upstream.close();
      }
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
      work.shutdownNow();
      closed = true;
    }
  }

  private void drain() {
    try {
      if (!inFlight.awaitNone(grace)) {
        LOG.log(
            System.Logger.Level.WARNING,
            inFlight.current()
                + " request(s) still in flight after the shutdown grace of "
                + grace.toMillis()
                + " ms; closing them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close("proxy shut down");
  }
}
