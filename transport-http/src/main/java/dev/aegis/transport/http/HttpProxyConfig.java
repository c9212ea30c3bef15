package dev.aegis.transport.http;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the Streamable HTTP reverse proxy, validated on construction.
 *
 * @param host the address to listen on (loopback by default in the CLI)
 * @param port the port to listen on (0: any free port)
 * @param upstream the MCP endpoint of the upstream server ({@code http://host:port/path}), or null
 *     when bridging
 * @param command the stdio MCP server to start per session when bridging, else empty
 * @param mcpPath the path of the proxy's own MCP endpoint
 * @param maxBodyBytes largest request body, JSON answer or server-sent event
 * @param sessionIdle how long a session may go without traffic before it is closed
 * @param shutdownGrace how long a bridged server may take to exit after its stdin is closed
 * @param sharedUpstream when bridging, one server child for every session instead of one each
 */
public record HttpProxyConfig(
    String host,
    int port,
    URI upstream,
    List<String> command,
    String mcpPath,
    int maxBodyBytes,
    Duration sessionIdle,
    Duration shutdownGrace,
    boolean sharedUpstream) {
  /** The MCP endpoint path when none is given. */
  public static final String DEFAULT_MCP_PATH = "/mcp";

  /** Sessions idle this long are closed with a termination event. */
  public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);

  /** As the canonical constructor, with a child per bridged session. */
  public HttpProxyConfig(
      String host,
      int port,
      URI upstream,
      List<String> command,
      String mcpPath,
      int maxBodyBytes,
      Duration sessionIdle,
      Duration shutdownGrace) {
    this(host, port, upstream, command, mcpPath, maxBodyBytes, sessionIdle, shutdownGrace, false);
  }

  /** Validates every field. */
  public HttpProxyConfig {
    requireNonNull(host, "host");
    requireNonNull(mcpPath, "mcpPath");
    requireNonNull(sessionIdle, "sessionIdle");
    requireNonNull(shutdownGrace, "shutdownGrace");
    command = List.copyOf(command);
    if ((upstream == null) == command.isEmpty()) {
      throw new IllegalArgumentException(
          "upstream: " + upstream + ", command: " + command + " (expected: exactly one of them)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
    }
    if (upstream != null
        && (!("http".equals(upstream.getScheme()) || "https".equals(upstream.getScheme()))
            || upstream.getHost() == null)) {
      throw new IllegalArgumentException(
          "upstream: " + upstream + " (expected: http://HOST[:PORT]/PATH or https://…)");
    }
    if (sharedUpstream && upstream != null) {
      throw new IllegalArgumentException(
          "sharedUpstream: true with upstream " + upstream + " (expected: only when bridging)");
    }
    if (!mcpPath.startsWith("/")) {
      throw new IllegalArgumentException("mcpPath: " + mcpPath + " (expected: starts with /)");
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
    }
    if (sessionIdle.isNegative() || sessionIdle.isZero()) {
      throw new IllegalArgumentException("sessionIdle: " + sessionIdle + " (expected: > 0)");
    }
  }

  /** True when stdio servers are bridged (one child per session) instead of an HTTP upstream. */
  boolean bridging() {
    return upstream == null;
  }

  /** The upstream's port, 80 (443 for https) when the URL has none. */
  int upstreamPort() {
    return upstream.getPort() >= 0 ? upstream.getPort() : upstreamTls() ? 443 : 80;
  }

  /** True when the upstream is reached over TLS ({@code https}). */
  boolean upstreamTls() {
    return "https".equals(upstream.getScheme());
  }

  /** The upstream's request target: its path (or {@code /}) and query. */
  String upstreamTarget() {
    String path =
        upstream.getRawPath() == null || upstream.getRawPath().isEmpty()
            ? "/"
            : upstream.getRawPath();
    return upstream.getRawQuery() == null ? path : path + "?" + upstream.getRawQuery();
  }

  /** The Host header sent upstream. */
  String upstreamAuthority() {
    return upstream.getPort() < 0
        ? upstream.getHost()
        : upstream.getHost() + ":" + upstream.getPort();
  }
}
