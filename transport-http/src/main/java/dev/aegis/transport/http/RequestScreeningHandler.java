package dev.aegis.transport.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;

/**
 * Refuses, before any session or upstream is involved, a request whose header block is too large
 * (431), whose request line is too long (414), or whose {@code Origin} or {@code Host} the {@link
 * OriginPolicy} refuses (403, with a JSON-RPC error without id); each answer closes the connection.
 * Other requests pass on unchanged. Event-loop only.
 */
final class RequestScreeningHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG =
      System.getLogger(RequestScreeningHandler.class.getName());

  private final OriginPolicy origins;

  RequestScreeningHandler(OriginPolicy origins) {
    this.origins = origins;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    FullHttpResponse refusal = screen(req);
    if (refusal == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    req.release();
    ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
  }

  /** The refusal for {@code req}, or null when it may proceed. */
  private FullHttpResponse screen(FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      if (cause instanceof TooLongHttpHeaderException) {
        return text(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers too large\n");
      }
      if (cause instanceof TooLongHttpLineException
          || (cause instanceof TooLongFrameException && cause.getMessage().contains("line"))) {
        return text(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long\n");
      }
      return null; // other malformed requests: FrontendHandler answers 400
    }
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (!origins.allowsOrigin(origin)) {
      LOG.log(System.Logger.Level.WARNING, "refused a request from origin " + printable(origin));
      return forbidden("Origin not allowed");
    }
    String host = req.headers().get(HttpHeaderNames.HOST);
    if (!origins.allowsHost(host)) {
      LOG.log(System.Logger.Level.WARNING, "refused a request for host " + printable(host));
      return forbidden("Host not allowed");
    }
    return null;
  }

  private static FullHttpResponse forbidden(String message) {
    String body =
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\""
            + message
            + "\",\"data\":{\"source\":\"aegis\",\"reason\":\"ORIGIN_NOT_ALLOWED\"}}}";
    return response(HttpResponseStatus.FORBIDDEN, "application/json", body);
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    return response(status, "text/plain; charset=utf-8", body);
  }

  private static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  /** At most 100 printable ASCII characters of a header value, for the log. */
  private static String printable(String value) {
    String v = value.replaceAll("[^\\x20-\\x7e]", "?");
    return v.length() > 100 ? v.substring(0, 100) + "…" : v;
  }
}
