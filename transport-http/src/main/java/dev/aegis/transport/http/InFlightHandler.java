package dev.aegis.transport.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the POSTs of one connection that are not answered in full yet, into a counter shared by
 * the listener, so that shutdown can wait for them ({@link Counter#awaitNone}). Answers come in
 * request order (HTTP/1.1), so each answer's last part settles the oldest request; GET streams are
 * not counted (they never end on their own). Event-loop only; the counter is thread-safe.
 */
final class InFlightHandler extends ChannelDuplexHandler {
  /** The listener's count of unanswered POSTs. */
  static final class Counter {
    private final AtomicInteger posts = new AtomicInteger();

    /** Blocks until no POST is unanswered or {@code grace} has passed; true when none is left. */
    boolean awaitNone(Duration grace) throws InterruptedException {
      long deadline = System.nanoTime() + grace.toNanos();
      while (posts.get() > 0) {
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        Thread.sleep(20);
      }
      return true;
    }

    int current() {
      return posts.get();
    }
  }

  private final Counter counter;
  private final ArrayDeque<Boolean> pending = new ArrayDeque<>();

  InFlightHandler(Counter counter) {
    this.counter = counter;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest req) {
      boolean post = req.method().equals(HttpMethod.POST);
      pending.add(post);
      if (post) {
        counter.posts.incrementAndGet();
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      Boolean post = pending.poll();
      if (Boolean.TRUE.equals(post)) {
        promise.addListener(f -> counter.posts.decrementAndGet());
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (Boolean post : pending) {
      if (post) {
        counter.posts.decrementAndGet();
      }
    }
    pending.clear();
    ctx.fireChannelInactive();
  }
}
