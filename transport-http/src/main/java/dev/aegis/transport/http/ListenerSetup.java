package dev.aegis.transport.http;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Installs the front half of a client connection's pipeline: TLS when configured, the HTTP codec
 * with the header limit, the aggregator with the body limit (413, closing the connection without
 * reading the rest), and the screening of oversized headers and disallowed origins, and the count
 * of unanswered POSTs that shutdown drains. Built once per listener; {@link #addHardening} runs on
 * each new channel's event loop.
 */
final class ListenerSetup {
  private static final int MAX_INITIAL_LINE = 8192;
  private static final int MAX_CHUNK = 64 * 1024;

  private final SslContext ssl;
  private final HttpHardening hardening;
  private final OriginPolicy origins;
  private final InFlightHandler.Counter inFlight = new InFlightHandler.Counter();

  private ListenerSetup(SslContext ssl, HttpHardening hardening, OriginPolicy origins) {
    this.ssl = ssl;
    this.hardening = hardening;
    this.origins = origins;
  }

  /** Reads the TLS files (once) and resolves whether the listener is bound to loopback. */
  static ListenerSetup of(HttpProxyConfig config, HttpHardening hardening) throws IOException {
    SslContext ssl = null;
    if (hardening.tls() != null) {
      ssl =
          new JdkSslContext(
              hardening.tls().serverContext(),
              false,
              null,
              IdentityCipherSuiteFilter.INSTANCE,
              ApplicationProtocolConfig.DISABLED,
              hardening.tls().mutual() ? ClientAuth.REQUIRE : ClientAuth.NONE,
              null,
              false);
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(config.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IOException("cannot resolve " + config.host() + ": " + e.getMessage(), e);
    }
    return new ListenerSetup(
        ssl, hardening, new OriginPolicy(hardening.allowedOrigins(), loopback));
  }

  /** Adds TLS, HTTP decoding with limits, and request screening to {@code ch}'s pipeline. */
  void addHardening(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    if (ssl != null) {
      p.addLast("tls", ssl.newHandler(ch.alloc()));
    }
    p.addLast(new HttpServerCodec(MAX_INITIAL_LINE, hardening.maxHeaderBytes(), MAX_CHUNK))
        .addLast(new BodyLimitAggregator(hardening.maxRequestBytes()))
        .addLast(new RequestScreeningHandler(origins))
        .addLast(new InFlightHandler(inFlight));
  }

  /** The count of POSTs not answered yet, over every connection of the listener. */
  InFlightHandler.Counter inFlight() {
    return inFlight;
  }
}
