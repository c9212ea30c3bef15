package dev.aegis.transport.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Aggregates request bodies up to the limit and answers a larger one with 413 and {@code
 * Connection: close}, then closes the connection: a {@code Content-Length} over the limit is
 * refused before any of the body is read, a chunked body as soon as it passes the limit. (Netty's
 * own aggregator keeps a keep-alive connection open and reads the rest of the body to discard it.)
 * Event-loop only.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
  private static final System.Logger LOG = System.getLogger(BodyLimitAggregator.class.getName());

  private final int maxBytes;

  BodyLimitAggregator(int maxBytes) {
    super(maxBytes);
    this.maxBytes = maxBytes;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    LOG.log(
        System.Logger.Level.WARNING,
        "refused a request body over " + maxBytes + " bytes (413); closing the connection");
    byte[] text = ("request body over " + maxBytes + " bytes\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            Unpooled.wrappedBuffer(text));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, text.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }
}
