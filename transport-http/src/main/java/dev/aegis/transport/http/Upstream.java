package dev.aegis.transport.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.AttributeKey;

/**
 * Pooled HTTP/1.1 connections to the upstream MCP server, over TLS for an https upstream.
 * Connections read only when asked (AUTO_READ off): the caller reads the next chunk after it wrote
 * the previous one to the client. Thread-safe.
 */
final class Upstream implements AutoCloseable {
  static final AttributeKey<UpstreamCall> CALL = AttributeKey.valueOf("aegis.upstream.call");
  static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("aegis.upstream.reused");

  private final SimpleChannelPool pool;
  private final int maxHeaderBytes;

  Upstream(EventLoopGroup group, HttpProxyConfig config, UpstreamTls tls) {
    this.maxHeaderBytes = 64 * 1024;
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .remoteAddress(config.upstream().getHost(), config.upstreamPort());
    this.pool =
        new SimpleChannelPool(
            b,
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
            },
            ChannelHealthChecker.ACTIVE,
            true,
            true);
  }

  SimpleChannelPool pool() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
  }
}
