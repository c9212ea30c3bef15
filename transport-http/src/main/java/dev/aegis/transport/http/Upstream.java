package dev.aegis.transport.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.AbstractChannelPoolMap;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPoolHandler;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.AttributeKey;

/**
 * Pooled HTTP/1.1 connections to the upstream MCP server, over TLS for an https upstream, one pool
 * per event loop: a client's request goes upstream on a connection of its own connection's event
 * loop, so relaying it hands no work between I/O threads (Netty's proxy example does the same).
 * Connections read only when asked (AUTO_READ off): the caller reads the next chunk after it wrote
 * the previous one to the client. Thread-safe.
 */
final class Upstream implements AutoCloseable {
  static final AttributeKey<UpstreamCall> CALL = AttributeKey.valueOf("aegis.upstream.call");
  static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("aegis.upstream.reused");

  private final EventLoopGroup group;
  private final AbstractChannelPoolMap<EventLoop, SimpleChannelPool> pools;
  private final int maxHeaderBytes;

  Upstream(EventLoopGroup group, HttpProxyConfig config, UpstreamTls tls) {
    this.group = group;
    this.maxHeaderBytes = 64 * 1024;
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NettyTransport.chosen().socketChannel())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .remoteAddress(config.upstream().getHost(), config.upstreamPort());
    ChannelPoolHandler handler =
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel ch) {
            if (tls != null) {
              ch.pipeline().addLast("tls", tls.handler(ch));
            }
            ch.pipeline()
                .addLast(new HttpClientCodec(4096, maxHeaderBytes, 64 * 1024))
                .addLast(new UpstreamHandler());
          }
        };
    this.pools =
        new AbstractChannelPoolMap<>() {
          @Override
          protected SimpleChannelPool newPool(EventLoop loop) {
            return new SimpleChannelPool(
                b.clone(loop), handler, ChannelHealthChecker.ACTIVE, true, true);
          }
        };
  }

  /** The pool of connections served by {@code loop}; null: any loop's. */
  SimpleChannelPool pool(EventLoop loop) {
    return pools.get(loop != null ? loop : group.next());
  }

  @Override
  public void close() {
    pools.close();
  }
}
