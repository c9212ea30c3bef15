package dev.aegis.transport.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One request to the upstream on a pooled connection, and its response as it arrives. The
 * connection reads one chunk each time {@link #read} is called; it goes back to the pool after a
 * complete keep-alive response, and is closed otherwise. A request on a reused connection that
 * closes before any response is sent once more on a new connection (the server may have dropped the
 * idle connection). Listener methods run on the connection's event loop, in order.
 */
final class UpstreamCall {
  /** Receives the response. */
  interface Listener {
    /** The status line and headers. */
    void onHead(HttpResponse head);

    /** A piece of the body (copied); {@code last} for the final one. */
    void onBody(byte[] bytes, boolean last);

    /**
     * The request failed: could not connect, or the connection closed before the response ended.
     */
    void onFailure(String why, boolean headSeen);
  }

  /** What to send: method, target, end-to-end headers and body. */
  record Request(HttpMethod method, String target, HttpHeaders headers, byte[] body) {
    FullHttpRequest toNetty() {
      FullHttpRequest r =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, method, target, Unpooled.wrappedBuffer(body));
      r.headers().add(headers);
      if (body.length > 0 || method.equals(HttpMethod.POST)) {
        HttpUtil.setContentLength(r, body.length);
      }
      return r;
    }

    /** Requests carry credentials: print only the method. */
    @Override
    public String toString() {
      return "Request[" + method + "]";
    }
  }

  private final SimpleChannelPool pool;
  private final Request request;
  private final Listener listener;
  private volatile Channel ch;
  private volatile boolean finished;
  private volatile boolean aborted;
  private boolean headSeen;
  private boolean keepAlive;
  private boolean reused;
  private boolean retried;

  /** A call on {@code loop}'s connections ({@code loop} null: any loop's). */
  UpstreamCall(Upstream upstream, EventLoop loop, Request request, Listener listener) {
    this.pool = upstream.pool(loop);
    this.request = request;
    this.listener = listener;
  }

  void start() {
    pool.acquire()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                finished = true;
                listener.onFailure("cannot connect: " + f.cause().getMessage(), false);
              } else {
                send((Channel) f.getNow());
              }
            });
  }

  private void send(Channel c) {
    if (aborted) {
      pool.release(c);
      return;
    }
    ch = c;
    reused = Boolean.TRUE.equals(c.attr(Upstream.REUSED).get());
    c.attr(Upstream.CALL).set(this);
    c.writeAndFlush(request.toNetty())
        .addListener(
            w -> {
              if (w.isSuccess()) {
                c.read();
              } else {
                c.attr(Upstream.CALL).set(null);
                c.close();
                onClosed(w.cause());
              }
            });
  }

  /** From the connection's handler: one decoded piece of the response. */
  void onMessage(Object msg) {
    try {
      if (finished) {
        return;
      }
      if (msg instanceof HttpResponse r) {
        if (r.status().equals(HttpResponseStatus.CONTINUE)) {
          ch.read();
          return;
        }
        headSeen = true;
        keepAlive = HttpUtil.isKeepAlive(r);
        listener.onHead(r);
      }
      if (msg instanceof HttpContent c) {
        byte[] bytes = ByteBufUtil.getBytes(c.content());
        boolean last = c instanceof LastHttpContent;
        if (last) {
          done();
        }
        listener.onBody(bytes, last);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Asks the connection for the next chunk of the response. */
  void read() {
    Channel c = ch;
    if (c != null && !finished) {
      c.read();
    }
  }

  /** Gives up on the response: closes the connection (never back to the pool). */
  void abort() {
    aborted = true;
    finished = true;
    Channel c = ch;
    if (c != null) {
      c.attr(Upstream.CALL).set(null);
      c.close();
    }
  }

  private void done() {
    finished = true;
    Channel c = ch;
    c.attr(Upstream.CALL).set(null);
    if (keepAlive) {
      c.attr(Upstream.REUSED).set(true);
      pool.release(c);
      c.read(); // an idle connection must still notice the server closing it
    } else {
      c.close();
    }
  }

  /** From the connection's handler: it closed or failed before the response ended. */
  void onClosed(Throwable cause) {
    if (finished) {
      return;
    }
    if (!headSeen && reused && !retried && !aborted) {
      retried = true;
      start();
      return;
    }
    finished = true;
    listener.onFailure(cause == null ? "connection closed" : cause.getMessage(), headSeen);
  }
}
