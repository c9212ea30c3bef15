package dev.aegis.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.pipeline.Action;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ErrorFrames;
import dev.aegis.core.pipeline.ProxyError;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The MCP endpoint's semantics (Streamable HTTP): a POST body is one JSON-RPC message that goes
 * through the core before anything is sent upstream; GET (the server's stream) and DELETE (end of
 * session) are relayed. The request metadata headers are checked against the body first ({@link
 * HeaderCheck}); a stateless 2026-07-28 POST is mapped to its session by {@link Era2026}. Called on
 * the client connection's event loop; never blocks.
 */
final class McpEndpoint {
  private static final System.Logger LOG = System.getLogger(McpEndpoint.class.getName());
  private static final byte[] EMPTY = new byte[0];

  private final HttpProxyConfig config;
  private final McpSessions sessions;
  private final Relay relay;

  McpEndpoint(HttpProxyConfig config, McpSessions sessions, Relay relay) {
    this.config = config;
    this.sessions = sessions;
    this.relay = relay;
  }

  /** Handles one request; its body and headers are copied before this returns. */
  void handle(FullHttpRequest req, Exchange exchange) {
    String path = new QueryStringDecoder(req.uri()).path();
    if (!config.bridging() && !path.equals(config.mcpPath()) && PlainRelay.handles(path)) {
      HttpHeaders endToEnd = new DefaultHttpHeaders();
      HopByHop.copy(req.headers(), endToEnd);
      relay.metadata(
          req.method(), req.uri(), endToEnd, ByteBufUtil.getBytes(req.content()), exchange);
      return;
    }
    if (!path.equals(config.mcpPath())) {
      exchange.respondText(
          HttpResponseStatus.NOT_FOUND,
          "not found: the MCP endpoint is " + config.mcpPath() + "\n");
      return;
    }
    HttpHeaders endToEnd = new DefaultHttpHeaders();
    HopByHop.copy(req.headers(), endToEnd);
    String sid = req.headers().get("Mcp-Session-Id");
    HttpMethod m = req.method();
    if (m.equals(HttpMethod.POST)) {
      post(sid, endToEnd, ByteBufUtil.getBytes(req.content()), exchange);
    } else if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.DELETE)) {
      sessions
          .find(sid, false)
          .whenComplete(
              (s, e) -> {
                if (e != null) {
                  refuse(exchange, null, e);
                } else if (config.bridging()) {
                  bridged(s, m, exchange);
                } else {
                  s.fromClient(endToEnd);
                  relay.forward(s, m, endToEnd, EMPTY, null, exchange);
                }
              });
    } else if (m.equals(HttpMethod.OPTIONS) && !config.bridging()) {
      relay.preflight(endToEnd, exchange); // CORS: the upstream's policy applies
    } else {
      HttpHeaders allow = new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, "GET, POST, DELETE");
      exchange.respond(
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          allow,
          "text/plain; charset=utf-8",
          "allowed: GET, POST, DELETE\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Bridging: GET opens the session's stream, served by the proxy; DELETE ends the session. */
  private void bridged(McpSession s, HttpMethod m, Exchange exchange) {
    if (m.equals(HttpMethod.GET)) {
      HttpHeaders h = new DefaultHttpHeaders();
      h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_EVENT_STREAM);
      h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
      exchange.startStream(HttpResponseStatus.OK, h);
      s.serverStream(exchange);
    } else {
      sessions.end(s, "client ended the MCP session (HTTP DELETE)");
      exchange.respond(HttpResponseStatus.OK, null, null, EMPTY);
    }
  }

  private void post(String sid, HttpHeaders endToEnd, byte[] body, Exchange exchange) {
    Frame frame = Frame.of(body);
    String mismatch = HeaderCheck.problem(endToEnd, frame, relay.paramHeaders());
    if (mismatch != null) { // refused before any session or the core sees it
      LOG.log(System.Logger.Level.WARNING, "refused a " + frame.method() + ": " + mismatch);
      exchange.respondJson(HttpResponseStatus.BAD_REQUEST, HeaderCheck.error(frame, mismatch));
      return;
    }
    boolean initialize = frame.kind() == FrameKind.REQUEST && "initialize".equals(frame.method());
    CompletableFuture<McpSession> session =
        Era2026.stateless(sid, frame, endToEnd)
            ? sessions.forKey(Era2026.sessionKey(frame, endToEnd, exchange.peer()))
            : sessions.find(sid, initialize);
    session.whenComplete(
        (s, e) -> {
          if (e != null) {
            refuse(exchange, frame, e);
            return;
          }
          s.fromClient(endToEnd);
          if (initialize && config.bridging() && s.mcpSessionId() == null) {
            String issued = McpSessions.newSessionId();
            sessions.adopt(issued, s);
            exchange.header("Mcp-Session-Id", issued);
          }
          String key = frame.kind() == FrameKind.REQUEST ? frame.id().toJson() : null;
          if (key != null) {
            s.await(key, exchange, progressToken(frame));
          }
          s.onFrame(Direction.CLIENT_TO_SERVER, frame)
              .whenComplete((a, err) -> act(s, frame, key, a, err, endToEnd, body, exchange));
        });
  }

  private void act(
      McpSession s,
      Frame frame,
      String key,
      Action a,
      Throwable err,
      HttpHeaders endToEnd,
      byte[] body,
      Exchange exchange) {
    if (err != null) { // onFrame never fails; this is a bug: fail closed
      LOG.log(System.Logger.Level.ERROR, "core failed on a client frame: " + err, err);
      if (key != null) {
        s.answered(key, exchange);
      }
      exchange.respondJson(
          HttpResponseStatus.INTERNAL_SERVER_ERROR,
          ErrorFrames.encode(frame.id(), ProxyError.INTERNAL_ERROR, "the proxy failed", null));
      return;
    }
    switch (a.type()) {
      case FORWARD -> {
        if (!config.bridging()) {
          relay.forward(s, HttpMethod.POST, endToEnd, body, frame, exchange);
          return;
        }
        s.toChild(body); // a request is answered when the server's answer is routed by its id
        if (key == null) {
          exchange.respond(HttpResponseStatus.ACCEPTED, null, null, EMPTY);
        }
      }
      case REPLY -> {
        if (key != null) {
          s.answered(key, exchange);
        }
        if (a.replyDirection() == Direction.SERVER_TO_CLIENT) {
          HttpResponseStatus status =
              frame.kind() == FrameKind.MALFORMED
                  ? HttpResponseStatus.BAD_REQUEST
                  : HttpResponseStatus.OK;
          exchange.respondJson(status, a.reply());
        } else {
          relay.fromSession(s, a.reply());
          exchange.respond(HttpResponseStatus.ACCEPTED, null, null, EMPTY);
        }
      }
      case DROP -> {
        LOG.log(System.Logger.Level.WARNING, a.note());
        if (key != null) {
          s.answered(key, exchange);
        }
        exchange.respond(HttpResponseStatus.ACCEPTED, null, null, EMPTY);
      }
      case CONSUMED -> {
        if (key == null) { // the client's answer to the proxy's own request
          exchange.respond(HttpResponseStatus.ACCEPTED, null, null, EMPTY);
        } else { // a held call: answered when the session writes its frame for this id
          // if the client goes away first (still waiting), an approval must not run it
          exchange.onAbort(
              () -> {
                if (s.waiter(key) == exchange) {
                  s.core().abandon(frame.id());
                }
              });
        }
      }
      default -> throw new AssertionError(a);
    }
  }

  /** The request's {@code _meta.progressToken} as JSON text, or null. */
  private static String progressToken(Frame request) {
    try {
      JsonNode t = request.tree().path("params").path("_meta").path("progressToken");
      return t.isMissingNode() || t.isNull() ? null : t.toString();
    } catch (IOException e) {
      return null;
    }
  }

  private static void refuse(Exchange exchange, Frame frame, Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
    if (cause instanceof McpSessions.UnknownSession) {
      exchange.respondText(HttpResponseStatus.NOT_FOUND, "unknown or ended MCP session\n");
      return;
    }
    if (cause instanceof java.io.UncheckedIOException) {
      exchange.respondJson(
          HttpResponseStatus.BAD_GATEWAY,
          ErrorFrames.encode(
              frame == null ? null : frame.id(),
              ProxyError.UPSTREAM_CLOSED,
              "the MCP server could not be started",
              null));
      return;
    }
    LOG.log(System.Logger.Level.ERROR, "cannot open a session: " + e);
    exchange.respondJson(
        HttpResponseStatus.SERVICE_UNAVAILABLE,
        ErrorFrames.encode(
            frame == null ? null : frame.id(),
            ProxyError.STORE_UNAVAILABLE,
            "the audit chain cannot start a session",
            null));
  }
}
