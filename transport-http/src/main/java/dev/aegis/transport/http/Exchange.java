package dev.aegis.transport.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * The client's side of one HTTP request: answered once, either whole or as a stream of server-sent
 * events. Thread-safe: every method hops onto the client channel's event loop, so calls made from
 * one thread are written in call order. After the client goes away every write is ignored and the
 * abort hook (closing the upstream leg) runs once.
 */
final class Exchange {
  private enum State {
    OPEN,
    STREAMING,
    DONE
  }

  private final Channel ch;
  private final boolean keepAlive;
  private final Runnable onDone;
  private volatile State state = State.OPEN;
  private Runnable abort = () -> {};
  private ChannelFuture lastWrite;
  private final HttpHeaders extra = new io.netty.handler.codec.http.DefaultHttpHeaders();

  Exchange(Channel ch, boolean keepAlive, Runnable onDone) {
    this.ch = ch;
    this.keepAlive = keepAlive;
    this.onDone = onDone;
  }

  /** The client connection's remote address ({@code HOST:PORT}); one per connection. */
  String peer() {
    java.net.SocketAddress a = ch.remoteAddress();
    return a instanceof java.net.InetSocketAddress i
        ? i.getAddress().getHostAddress() + ":" + i.getPort()
        : String.valueOf(a);
  }

  /** The event loop of the client's connection (its upstream leg runs on it too). */
  EventLoop eventLoop() {
    return ch.eventLoop();
  }

  /** Adds a header to the answer, whatever it turns out to be (the session id a bridge issues). */
  void header(String name, String value) {
    run(() -> extra.set(name, value));
  }

  /** What to do when this exchange ends before its upstream leg did (close that leg). */
  void onAbort(Runnable abort) {
    run(() -> this.abort = abort);
  }

  /** Answers whole; {@code headers} (end-to-end ones) may be null. */
  void respond(HttpResponseStatus status, HttpHeaders headers, String contentType, byte[] body) {
    run(
        () -> {
          if (state == State.STREAMING) { // the proxy already streams this request's events
            if (body.length > 0) {
              event(body);
            }
            end();
            return;
          }
          if (state != State.OPEN) {
            return;
          }
          FullHttpResponse r =
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
          if (headers != null) {
            r.headers().add(headers);
          }
          r.headers().add(extra);
          if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
          }
          HttpUtil.setContentLength(r, body.length);
          finish(ch.writeAndFlush(r));
        });
  }

  /** Answers with the proxy's own JSON-RPC frame. */
  void respondJson(HttpResponseStatus status, byte[] frame) {
    respond(status, null, "application/json", frame);
  }

  /** Sends the head of an event stream; the body follows with {@link #write}. */
  void startStream(HttpResponseStatus status, HttpHeaders headers) {
    run(
        () -> {
          if (state != State.OPEN) {
            return;
          }
          HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
          r.headers().add(headers);
          r.headers().add(extra);
          HttpUtil.setTransferEncodingChunked(r, true);
          state = State.STREAMING;
          lastWrite = ch.writeAndFlush(r);
        });
  }

  /** Writes stream bytes (whole events) and flushes them at once: SSE is never buffered. */
  void write(byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    run(
        () -> {
          if (state == State.STREAMING) {
            lastWrite = ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
          }
        });
  }

  /**
   * Writes one frame the proxy sends for this request before its answer (the progress of a held
   * call): the answer becomes an event stream if it was not one yet.
   */
  void streamEvent(byte[] frame) {
    run(
        () -> {
          if (state == State.OPEN) {
            HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
            h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_EVENT_STREAM);
            h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            startStream(HttpResponseStatus.OK, h);
          }
          event(frame);
        });
  }

  /** Writes one frame as an event of its own ({@code data:} lines only). */
  void event(byte[] frame) {
    write(new SseEvent(frame, new byte[0], frame).withData(frame));
  }

  /** Runs {@code then} once everything written so far has left (or failed): read-after-write. */
  void afterWrites(Runnable then) {
    run(
        () -> {
          if (state == State.DONE || lastWrite == null) {
            then.run();
          } else {
            lastWrite.addListener(f -> then.run());
          }
        });
  }

  /** Ends the stream. */
  void end() {
    run(
        () -> {
          if (state == State.STREAMING) {
            finish(ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
          }
        });
  }

  /**
   * Answers with a frame the session wrote on its own for this request (a decided approval, a
   * timeout): as the JSON body, or as the stream's last event; the upstream leg is closed.
   */
  void answer(byte[] frame) {
    run(
        () -> {
          Runnable a = abort;
          abort = () -> {};
          if (state == State.OPEN) {
            respondJson(HttpResponseStatus.OK, frame);
          } else if (state == State.STREAMING) {
            event(frame);
            end();
          }
          a.run();
        });
  }

  /** The client closed its connection: nothing more is written; the upstream leg is closed. */
  void clientClosed() {
    run(
        () -> {
          if (state != State.DONE) {
            state = State.DONE;
            Runnable a = abort;
            abort = () -> {};
            a.run();
          }
        });
  }

  /** True once answered in full or abandoned. */
  boolean isDone() {
    return state == State.DONE;
  }

  /** The plain-text answer for requests outside the protocol (404, 405). */
  void respondText(HttpResponseStatus status, String text) {
    respond(status, null, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private void finish(ChannelFuture written) {
    state = State.DONE;
    abort = () -> {};
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    } else {
      written.addListener(f -> onDone.run());
    }
  }

  /** Always queued (even on the event loop), so writes keep the order they were issued in. */
  private void run(Runnable r) {
    ch.eventLoop().execute(r);
  }

  static String contentType(HttpHeaders h) {
    String ct = h.get(HttpHeaderNames.CONTENT_TYPE);
    return ct == null ? "" : ct.toLowerCase(java.util.Locale.ROOT);
  }

  static boolean isEventStream(HttpHeaders h) {
    return contentType(h).startsWith(HttpHeaderValues.TEXT_EVENT_STREAM.toString());
  }

  static boolean isJson(HttpHeaders h) {
    return contentType(h).startsWith(HttpHeaderValues.APPLICATION_JSON.toString());
  }
}
