package dev.aegis.transport.http;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the requests of one upstream MCP session: every one carries the extra headers, and once
 * initialize was answered the session id and negotiated protocol version. User info in the URL
 * becomes Basic credentials (unless an {@code Authorization} header is given) and is never part of
 * the request line. Thread-safe: the session values are set once by the reader of the initialize
 * answer and read by every sender.
 */
final class UpstreamRequests {
  private final URI url;
  private final List<HttpUpstreamConfig.Header> headers;
  private final String basic;
  private volatile String sessionId;
  private volatile String protocolVersion;

  UpstreamRequests(HttpUpstreamConfig config) {
    URI u = config.url();
    try {
      this.url =
          new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream: " + e.getMessage(), e);
    }
    this.headers = config.headers();
    boolean hasAuth = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("Authorization"));
    String info = u.getRawUserInfo();
    this.basic =
        info == null || hasAuth
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        URLDecoder.decode(info, StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8));
  }

  void sessionId(String id) {
    sessionId = id;
  }

  String sessionId() {
    return sessionId;
  }

  void protocolVersion(String v) {
    protocolVersion = v;
  }

  /** A POST of one frame, its exact bytes as the body. */
  HttpRequest post(byte[] frame) {
    return common(HttpRequest.newBuilder(url))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(frame))
        .build();
  }

  /** A GET of the session's event stream, resuming after {@code lastEventId} when not null. */
  HttpRequest get(String lastEventId) {
    HttpRequest.Builder b =
        common(HttpRequest.newBuilder(url)).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return b.build();
  }

  /** A DELETE of the session, answered within {@code timeout}. */
  HttpRequest delete(Duration timeout) {
    return common(HttpRequest.newBuilder(url)).timeout(timeout).DELETE().build();
  }

  private HttpRequest.Builder common(HttpRequest.Builder b) {
    String id = sessionId;
    if (id != null) {
      b.header("Mcp-Session-Id", id);
    }
    String v = protocolVersion;
    if (v != null) {
      b.header("MCP-Protocol-Version", v);
    }
    if (basic != null) {
      b.header("Authorization", basic);
    }
    for (HttpUpstreamConfig.Header h : headers) {
      b.header(h.name(), h.value());
    }
    return b;
  }

  /** An SSL context trusting only the CA certificates in {@code caPem}. */
  static SSLContext trusting(Path caPem) throws IOException {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : TlsFiles.certificates(caPem)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("upstream-ca: " + caPem + ": " + e.getMessage(), e);
    }
  }
}
