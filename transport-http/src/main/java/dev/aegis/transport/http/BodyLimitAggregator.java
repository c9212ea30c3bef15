package dev.aegis.transport.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Aggregates request bodies up to the limit and answers a larger one with 413 and {@code
 * Connection: close}, then ends the connection: a {@code Content-Length} over the limit is refused
 * before any of the body is parsed, a chunked body as soon as it passes the limit. (Netty's own
 * aggregator keeps a keep-alive connection open and reads the rest of the body to decode it.) The
 * end is a lingering close: the proxy half-closes its side after the 413, then reads and discards
 * what the client still sends, up to {@value #LINGER_BYTES} bytes or {@value #LINGER_MS} ms, before
 * closing. Closing at once with unread bytes would make the kernel reset the connection, and a
 * client still sending its body would see the reset instead of the 413. Event-loop only.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
  private static final System.Logger LOG = System.getLogger(BodyLimitAggregator.class.getName());

  /** How much of a refused body the proxy reads (and drops) before it closes anyway. */
  static final int LINGER_BYTES = 4 << 20;

  /** How long the proxy waits for the client to stop sending after a 413. */
  static final long LINGER_MS = 2_000;

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
    ctx.writeAndFlush(r).addListener((ChannelFutureListener) f -> linger(f.channel()));
  }

  private static void linger(Channel ch) {
    if (!(ch instanceof DuplexChannel d) || !ch.isActive()) {
      ch.close();
      return;
    }
    ch.pipeline().addFirst("linger", new Drain());
    ch.eventLoop().schedule(() -> ch.close(), LINGER_MS, TimeUnit.MILLISECONDS);
    d.shutdownOutput().addListener(f -> ch.read());
  }

  /** Reads and drops the rest of a refused request, then closes (client done, or enough). */
  private static final class Drain extends ChannelInboundHandlerAdapter {
    private long dropped;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        dropped += b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (dropped > LINGER_BYTES) {
        ctx.close();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.close();
      }
      ReferenceCountUtil.release(evt);
    }
  }
}
