package dev.aegis.transport.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Relays requests that carry no MCP frame to the upstream unchanged: the OAuth discovery documents
 * an MCP client fetches before it authenticates ({@code /.well-known/oauth-protected-resource},
 * {@code oauth-authorization-server}, {@code openid-configuration}, with or without a path suffix),
 * so that authorization works through the proxy as it does directly, and CORS preflight {@code
 * OPTIONS} requests of the MCP endpoint, so that the upstream's CORS policy applies. They are
 * neither given to the core nor sealed. A protected-resource path naming the proxy's MCP endpoint
 * ({@code /.well-known/oauth-protected-resource/mcp}) is mapped to the upstream's endpoint path.
 * One listener per request; answers of up to the body limit are buffered whole.
 */
final class PlainRelay implements UpstreamCall.Listener {
  private static final String PREFIX = "/.well-known/";
  private static final List<String> DOCUMENTS =
      List.of("oauth-protected-resource", "oauth-authorization-server", "openid-configuration");

  /**
   * The default authorization endpoints of the 2025-03-26 protocol, at the server's origin, that a
   * client uses when the server publishes no authorization server metadata.
   */
  private static final List<String> ENDPOINTS = List.of("/authorize", "/token", "/register");

  private final Exchange target;
  private final int maxBytes;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private UpstreamCall call;
  private HttpResponseStatus status;
  private final HttpHeaders headers = new DefaultHttpHeaders();

  private PlainRelay(Exchange target, int maxBytes) {
    this.target = target;
    this.maxBytes = maxBytes;
  }

  /** Whether a request path is one of the discovery documents or endpoints this class relays. */
  static boolean handles(String path) {
    if (ENDPOINTS.contains(path)) {
      return true;
    }
    if (!path.startsWith(PREFIX)) {
      return false;
    }
    String rest = path.substring(PREFIX.length());
    for (String doc : DOCUMENTS) {
      if (rest.equals(doc) || rest.startsWith(doc + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The upstream request target for a client's request URI: the same path and query, except that a
   * suffix equal to the proxy's MCP path becomes the upstream's path.
   */
  static String upstreamTarget(String uri, HttpProxyConfig config) {
    QueryStringDecoder d = new QueryStringDecoder(uri);
    String path = d.rawPath();
    String query = d.rawQuery();
    for (String doc : DOCUMENTS) {
      String base = PREFIX + doc;
      if (path.equals(base + config.mcpPath())) {
        String upstreamPath = config.upstreamTarget();
        int q = upstreamPath.indexOf('?');
        upstreamPath = q < 0 ? upstreamPath : upstreamPath.substring(0, q);
        path = upstreamPath.equals("/") ? base : base + upstreamPath;
        break;
      }
    }
    return query.isEmpty() ? path : path + "?" + query;
  }

  /**
   * Sends the client's request (end-to-end headers, Host rewritten, its body) to {@code
   * upstreamTarget} and answers {@code target} with the upstream's response.
   */
  static void relay(
      Upstream upstream,
      HttpProxyConfig config,
      HttpMethod method,
      String upstreamTarget,
      HttpHeaders endToEnd,
      byte[] body,
      Exchange target) {
    HttpHeaders h = new DefaultHttpHeaders().add(endToEnd);
    h.set(HttpHeaderNames.HOST, config.upstreamAuthority());
    PlainRelay listener = new PlainRelay(target, config.maxBodyBytes());
    UpstreamCall call =
        new UpstreamCall(
            upstream,
            target.eventLoop(),
            new UpstreamCall.Request(method, upstreamTarget, h, body),
            listener);
    listener.call = call;
    target.onAbort(call::abort);
    call.start();
  }

  @Override
  public void onHead(HttpResponse head) {
    status = head.status();
    HopByHop.copy(head.headers(), headers);
    call.read();
  }

  @Override
  public void onBody(byte[] bytes, boolean last) {
    if (body.size() + bytes.length > maxBytes) {
      call.abort();
      onFailure("document larger than " + maxBytes + " bytes", true);
      return;
    }
    body.writeBytes(bytes);
    if (last) {
      target.respond(status, headers, null, body.toByteArray());
    } else {
      call.read();
    }
  }

  @Override
  public void onFailure(String why, boolean headSeen) {
    target.respond(
        HttpResponseStatus.BAD_GATEWAY,
        null,
        "text/plain; charset=utf-8",
        ("the MCP server could not be reached: " + why + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
