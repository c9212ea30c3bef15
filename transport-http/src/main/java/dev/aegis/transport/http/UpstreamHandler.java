package dev.aegis.transport.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** Hands what an upstream connection reads to the call that owns it; event-loop only. */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamCall call = ctx.channel().attr(Upstream.CALL).get();
    if (call == null) {
      ReferenceCountUtil.release(msg); // an idle pooled connection: nothing is expected
      return;
    }
    call.onMessage(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamCall call = ctx.channel().attr(Upstream.CALL).getAndSet(null);
    if (call != null) {
      call.onClosed(null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamCall call = ctx.channel().attr(Upstream.CALL).getAndSet(null);
    ctx.close();
    if (call != null) {
      call.onClosed(cause);
    }
  }
}
