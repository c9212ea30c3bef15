package dev.aegis.transport.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayDeque;

/**
 * One client connection: one exchange at a time (HTTP/1.1), with AUTO_READ off. It reads the next
 * request only when the current one is answered, but keeps one read pending meanwhile so a client
 * that goes away is noticed (its exchange is abandoned and the upstream leg closed); a pipelined
 * request read that way waits its turn. Event-loop only.
 */
final class FrontendHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final System.Logger LOG = System.getLogger(FrontendHandler.class.getName());

  private final McpEndpoint endpoint;
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private Exchange current;

  FrontendHandler(McpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (current != null) {
      queued.add(req.retain());
      return;
    }
    handle(ctx, req);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    Exchange exchange = new Exchange(ctx.channel(), HttpUtil.isKeepAlive(req), () -> next(ctx));
    current = exchange;
    if (req.decoderResult().isFailure()) { // a malformed request line or headers too large
      new Exchange(ctx.channel(), false, () -> {})
          .respondText(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n");
      return;
    }
    endpoint.handle(req, exchange);
    ctx.read();
  }

  private void next(ChannelHandlerContext ctx) {
    current = null;
    FullHttpRequest q = queued.poll();
    if (q == null) {
      ctx.read();
      return;
    }
    try {
      handle(ctx, q);
    } finally {
      q.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientClosed();
    }
    queued.forEach(FullHttpRequest::release);
    queued.clear();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.DEBUG, "client connection failed: " + cause);
    ctx.close();
  }
}
