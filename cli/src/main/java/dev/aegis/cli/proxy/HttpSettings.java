package dev.aegis.cli.proxy;

import dev.aegis.core.pins.UpstreamIds;
import dev.aegis.transport.http.HttpHardening;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The Streamable HTTP side of aegis-proxy ({@code --listen}, {@code --upstream}, {@code
 * --mcp-path}, {@code --session-idle}, {@code --shared-upstream}, and TLS, origins and request
 * limits), validated on construction. {@code upstream} is null when a stdio server is bridged
 * ({@code --listen … -- CMD}).
 */
record HttpSettings(
    String host,
    int port,
    URI upstream,
    String mcpPath,
    Duration sessionIdle,
    HttpHardening hardening,
    boolean sharedUpstream) {
  static final String DEFAULT_HOST = "127.0.0.1";

  HttpSettings {
    if (upstream != null
        && (!("http".equals(upstream.getScheme()) || "https".equals(upstream.getScheme()))
            || upstream.getHost() == null)) {
      throw new IllegalArgumentException(
          "upstream: " + upstream + " (expected: http://HOST[:PORT]/PATH or https://…)");
    }
    if (sharedUpstream && upstream != null) {
      throw new IllegalArgumentException(
          "shared-upstream: given with --upstream (expected: only when bridging --listen … -- CMD)");
    }
    if (!mcpPath.startsWith("/")) {
      throw new IllegalArgumentException("mcp-path: " + mcpPath + " (expected: starts with /)");
    }
    if (sessionIdle.isNegative() || sessionIdle.isZero()) {
      throw new IllegalArgumentException("session-idle: " + sessionIdle + " (expected: > 0)");
    }
  }

  /**
   * Parses {@code --listen} ({@code HOST:PORT}, {@code [V6]:PORT} or {@code PORT}) and the rest.
   */
  static HttpSettings parse(
      String listen,
      String upstream,
      String mcpPath,
      Duration sessionIdle,
      HttpHardening hardening,
      boolean sharedUpstream) {
    String host = DEFAULT_HOST;
    String port = listen;
    int colon = listen.lastIndexOf(':');
    if (colon >= 0) {
      host = listen.substring(0, colon);
      port = listen.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty()) {
        host = DEFAULT_HOST;
      }
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("listen: " + listen + " (expected: HOST:PORT or PORT)");
    }
    URI u;
    try {
      u = upstream == null ? null : new URI(upstream);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream: " + upstream + " (" + e.getMessage() + ")");
    }
    return new HttpSettings(host, p, u, mcpPath, sessionIdle, hardening, sharedUpstream);
  }

  /**
   * The upstream's default pin id: {@code http:} (or {@code https:}) and its URL without user info
   * or query.
   */
  String upstreamId() {
    return upstreamIdOf(upstream);
  }

  /** {@link #upstreamId} of any HTTP upstream URL (also the stdio-to-HTTP mode's default). */
  static String upstreamIdOf(URI upstream) {
    String id =
        upstream.getScheme()
            + ":"
            + upstream.getHost()
            + (upstream.getPort() < 0 ? "" : ":" + upstream.getPort())
            + (upstream.getRawPath() == null ? "" : upstream.getRawPath());
    return UpstreamIds.check(
        id.length() > UpstreamIds.MAX_LENGTH ? id.substring(0, UpstreamIds.MAX_LENGTH) : id);
  }
}
