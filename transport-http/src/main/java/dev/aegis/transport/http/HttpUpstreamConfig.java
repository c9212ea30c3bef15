package dev.aegis.transport.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Settings of the Streamable HTTP upstream a stdio client is relayed to ({@code aegis-proxy
 * --upstream URL} without {@code --listen}), validated on construction. Header values may be
 * credentials: {@link #toString} prints only their names.
 *
 * @param url the upstream MCP endpoint, http or https
 * @param headers extra request headers ({@code --upstream-header}), sent on every request
 * @param caPem CA certificates trusted for an https upstream, or null for the JDK's trust store
 * @param maxFrameBytes largest frame (JSON body or event) accepted from the upstream
 */
public record HttpUpstreamConfig(URI url, List<Header> headers, Path caPem, int maxFrameBytes) {
  /** Headers the link sets itself, or that the HTTP client owns. */
  private static final Set<String> RESERVED =
      Set.of(
          "accept",
          "content-type",
          "content-length",
          "connection",
          "expect",
          "host",
          "upgrade",
          "transfer-encoding",
          "te",
          "keep-alive",
          "mcp-session-id",
          "mcp-protocol-version",
          "last-event-id");

  /** One extra request header; {@link #toString} hides the value. */
  public record Header(String name, String value) {
    /** Validates the name (an HTTP token, not one the link sets) and the value (no CR/LF). */
    public Header {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      if (name.isEmpty() || !name.chars().allMatch(Header::tokenChar)) {
        throw new IllegalArgumentException(
            "upstream-header: '" + name + "' (expected: NAME: VALUE with an HTTP token as NAME)");
      }
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "upstream-header: " + name + " (expected: a header the proxy does not set itself)");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("upstream-header: " + name + " value has a line break");
      }
    }

    /** Parses {@code Name: value}. */
    public static Header parse(String spec) {
      int colon = spec.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "upstream-header: a value without NAME: (expected: 'Name: value')");
      }
      return new Header(spec.substring(0, colon).strip(), spec.substring(colon + 1).strip());
    }

    private static boolean tokenChar(int c) {
      return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    @Override
    public String toString() {
      return name + ": ***";
    }
  }

  /** Validates every field. */
  public HttpUpstreamConfig {
    requireNonNull(url, "url");
    headers = List.copyOf(new ArrayList<>(headers));
    String scheme = url.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "upstream: " + redacted(url) + " (expected: http://HOST[:PORT]/PATH or https://…)");
    }
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: > 0)");
    }
    if (caPem != null && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "upstream-ca: given for a plain-HTTP upstream (expected: an https --upstream)");
    }
  }

  /** The URL without user info, query or fragment: safe to log and seal. */
  public static String redacted(URI url) {
    return (url.getScheme() == null ? "" : url.getScheme() + "://")
        + (url.getHost() == null ? "" : url.getHost())
        + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  /** The port the URL names, or its scheme's default. */
  int port() {
    return url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
  }

  @Override
  public String toString() {
    return "HttpUpstreamConfig[" + redacted(url) + ", headers " + headers + "]";
  }
}
