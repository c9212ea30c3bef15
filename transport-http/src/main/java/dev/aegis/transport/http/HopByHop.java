package dev.aegis.transport.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Copies HTTP headers between the two legs of the proxy, leaving out the hop-by-hop ones (RFC 9110
 * section 7.6.1: Connection and every header it names, Keep-Alive, Proxy-*, TE, Trailer,
 * Transfer-Encoding, Upgrade) and the framing ones Netty recomputes. Everything else, including
 * {@code Authorization}, passes unchanged; header values are never logged.
 */
final class HopByHop {
  private static final Set<String> ALWAYS =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "host");

  private HopByHop() {}

  /** Copies the end-to-end headers of {@code from} into {@code to}. */
  static void copy(HttpHeaders from, HttpHeaders to) {
    Set<String> named = new HashSet<>();
    for (String value : from.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        named.add(token.strip().toLowerCase(Locale.ROOT));
      }
    }
    from.forEach(
        e -> {
          String name = e.getKey().toLowerCase(Locale.ROOT);
          if (!ALWAYS.contains(name) && !named.contains(name)) {
            to.add(e.getKey(), e.getValue());
          }
        });
  }
}
