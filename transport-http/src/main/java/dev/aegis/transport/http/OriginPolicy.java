package dev.aegis.transport.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which {@code Origin} and {@code Host} values may reach the MCP endpoint (DNS-rebinding
 * protection). A request without {@code Origin} (not from a browser) passes; an origin listed in
 * {@code --allowed-origins} (or {@code *}) passes; a loopback origin ({@code localhost}, {@code
 * 127.0.0.0/8}, {@code [::1]}) passes when the listener is bound to loopback; anything else
 * (including {@code Origin: null}) is refused. When bound to loopback, {@code Host} must also name
 * loopback or the host of an allowed origin, so a page on a rebound name cannot use the listener
 * even from a browser that sends no Origin. Immutable and thread-safe.
 */
final class OriginPolicy {
  private final List<String> allowed;
  private final boolean loopbackBound;

  OriginPolicy(List<String> allowed, boolean loopbackBound) {
    this.allowed = List.copyOf(allowed);
    this.loopbackBound = loopbackBound;
  }

  /** True when a request with this {@code Origin} header (null when absent) may proceed. */
  boolean allowsOrigin(String origin) {
    if (origin == null) {
      return true;
    }
    String o = origin.strip().toLowerCase(Locale.ROOT);
    if (allowed.contains("*") || allowed.contains(o)) {
      return true;
    }
    if (!loopbackBound) {
      return false;
    }
    try {
      URI u = new URI(o);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          && u.getHost() != null
          && isLoopbackName(u.getHost());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** True when a request with this {@code Host} header (null when absent) may proceed. */
  boolean allowsHost(String host) {
    if (!loopbackBound || host == null || allowed.contains("*")) {
      return true;
    }
    String h = hostPart(host.strip().toLowerCase(Locale.ROOT));
    if (isLoopbackName(h)) {
      return true;
    }
    for (String o : allowed) {
      try {
        if (h.equals(new URI(o).getHost())) {
          return true;
        }
      } catch (URISyntaxException e) {
        // validated in HttpHardening; cannot happen
      }
    }
    return false;
  }

  /** The host of a Host header value: without the port, IPv6 keeping its brackets. */
  private static String hostPart(String hostHeader) {
    if (hostHeader.startsWith("[")) {
      int end = hostHeader.indexOf(']');
      return end < 0 ? hostHeader : hostHeader.substring(0, end + 1);
    }
    int colon = hostHeader.indexOf(':');
    return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
  }

  private static boolean isLoopbackName(String host) {
    return host.equals("localhost")
        || host.equals("[::1]")
        || host.equals("::1")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
