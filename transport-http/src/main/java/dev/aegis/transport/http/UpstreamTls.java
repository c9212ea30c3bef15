package dev.aegis.transport.http;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS towards an https upstream: trusts the given CA certificates (or the JDK's trust store) and
 * checks that the server's certificate names the upstream's host. Immutable; {@link #handler} runs
 * on the new connection's event loop.
 */
final class UpstreamTls {
  private final SslContext context;
  private final String host;
  private final int port;

  private UpstreamTls(SslContext context, String host, int port) {
    this.context = context;
    this.host = host;
    this.port = port;
  }

  /** The upstream's TLS setup, or null for a plain-HTTP upstream; reads {@code caPem} once. */
  static UpstreamTls of(HttpProxyConfig config, Path caPem) throws IOException {
    if (!config.upstreamTls()) {
      return null;
    }
    try {
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
      if (caPem != null) {
        b.trustManager(TlsFiles.certificates(caPem).toArray(new X509Certificate[0]));
      }
      return new UpstreamTls(b.build(), config.upstream().getHost(), config.upstreamPort());
    } catch (SSLException | ArrayStoreException e) {
      throw new IOException("TLS setup for the upstream failed: " + e.getMessage(), e);
    }
  }

  /** A TLS handler for a new upstream connection, with host name verification on. */
  SslHandler handler(Channel ch) {
    SslHandler h = context.newHandler(ch.alloc(), host, port);
    SSLEngine engine = h.engine();
    SSLParameters p = engine.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(p);
    return h;
  }
}
