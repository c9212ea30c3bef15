package dev.aegis.transport.http;

import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Sends requests to the upstream on behalf of a client exchange, or of the session itself (frames
 * the core writes on its own: an approved call, a cancellation, the proxy's own requests), and
 * relays each response through {@link ResponseRelay}. Thread-safe.
 */
final class Relay {
  private final Upstream upstream;
  private final HttpProxyConfig config;
  private final McpSessions sessions;
  private final ParamHeaders paramHeaders = new ParamHeaders();

  Relay(Upstream upstream, HttpProxyConfig config, McpSessions sessions) {
    this.upstream = upstream;
    this.config = config;
    this.sessions = sessions;
  }

  /**
   * The upstream's {@code x-mcp-header} annotations, learnt from its {@code tools/list} answers.
   */
  ParamHeaders paramHeaders() {
    return paramHeaders;
  }

  /**
   * Relays a client request: {@code endToEnd} are its headers without the hop-by-hop ones, {@code
   * request} its frame (null for GET and DELETE); the response goes to {@code target}.
   */
  void forward(
      McpSession session,
      HttpMethod method,
      HttpHeaders endToEnd,
      byte[] body,
      Frame request,
      Exchange target) {
    HttpHeaders headers = new DefaultHttpHeaders().add(endToEnd);
    headers.set(HttpHeaderNames.HOST, config.upstreamAuthority());
    UpstreamCall.Request r =
        new UpstreamCall.Request(method, config.upstreamTarget(), headers, body);
    ResponseRelay listener =
        new ResponseRelay(session, sessions, this, method, request, target, config.maxBodyBytes());
    UpstreamCall call =
        new UpstreamCall(upstream, target != null ? target.eventLoop() : null, r, listener);
    listener.bind(call);
    if (target != null) {
      target.onAbort(listener::clientGone);
    }
    call.start();
  }

  /** Relays an OAuth discovery or endpoint request unchanged (see {@link PlainRelay}). */
  void metadata(HttpMethod method, String uri, HttpHeaders endToEnd, byte[] body, Exchange target) {
    PlainRelay.relay(
        upstream, config, method, PlainRelay.upstreamTarget(uri, config), endToEnd, body, target);
  }

  /** Relays a CORS preflight of the MCP endpoint unchanged (see {@link PlainRelay}). */
  void preflight(HttpHeaders endToEnd, Exchange target) {
    PlainRelay.relay(
        upstream,
        config,
        HttpMethod.OPTIONS,
        config.upstreamTarget(),
        endToEnd,
        new byte[0],
        target);
  }

  /**
   * Sends a frame the session wrote towards the server. A request some client exchange waits for (a
   * held call now approved) is answered into that exchange; anything else is sent on the session's
   * behalf, with the headers of its latest client request, and its answer routed by id.
   */
  void fromSession(McpSession session, byte[] frame) {
    Frame f = Frame.of(frame);
    Exchange target =
        f.kind() == FrameKind.REQUEST && f.id() != null ? session.waiter(f.id().toJson()) : null;
    HttpHeaders headers = HeaderCheck.mirror(session.clientHeaders(), f, paramHeaders);
    forward(session, HttpMethod.POST, headers, frame, f, target);
  }
}
