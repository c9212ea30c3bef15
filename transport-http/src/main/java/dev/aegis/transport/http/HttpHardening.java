package dev.aegis.transport.http;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The listener's protections, validated on construction: TLS (null: plain HTTP), the browser
 * origins allowed besides the defaults of {@link OriginPolicy}, the request size limits, and the
 * trust anchors of an https upstream.
 *
 * @param tls PEM files of the listener, or null for plain HTTP
 * @param allowedOrigins origins ({@code scheme://host[:port]}, or {@code *} for any) allowed to
 *     call the MCP endpoint from a browser
 * @param maxRequestBytes largest request body (413 above)
 * @param maxHeaderBytes largest request header block (431 above)
 * @param upstreamCa PEM CA certificates trusted for an https upstream, or null for the JDK's trust
 *     store
 */
public record HttpHardening(
    TlsFiles tls,
    List<String> allowedOrigins,
    int maxRequestBytes,
    int maxHeaderBytes,
    Path upstreamCa) {
  /** Largest header block when none is given. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 64 * 1024;

  /** Validates every field and normalises origins to lower case without a trailing slash. */
  public HttpHardening {
    allowedOrigins =
        allowedOrigins.stream()
            .map(String::strip)
            .map(o -> o.toLowerCase(Locale.ROOT))
            .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
            .toList();
    for (String o : allowedOrigins) {
      if (!o.equals("*") && !o.matches("[a-z][a-z0-9+.-]*://[^/?#\\s]+")) {
        throw new IllegalArgumentException(
            "allowedOrigins: " + o + " (expected: scheme://host[:port] or *)");
      }
    }
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException(
          "maxRequestBytes: " + maxRequestBytes + " (expected: > 0)");
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException(
          "maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
    }
  }

  /** Plain HTTP, no extra origins, the given body limit and the default header limit. */
  public static HttpHardening defaults(int maxRequestBytes) {
    return new HttpHardening(null, List.of(), maxRequestBytes, DEFAULT_MAX_HEADER_BYTES, null);
  }
}
