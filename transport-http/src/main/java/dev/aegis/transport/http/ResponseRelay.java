package dev.aegis.transport.http;

import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.pipeline.Action;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ErrorFrames;
import dev.aegis.core.pipeline.ProxyError;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Relays one upstream response to its client exchange (or, without one, routes its frames through
 * the session). A JSON answer is read whole, passed through the core and sent as the core decides
 * (exact bytes, or the proxy's own); an event stream is relayed event by event as it arrives, each
 * event's data passed through the core, keeping every other line of the event; anything else (202,
 * errors, 405) passes unchanged. The next chunk is read from the upstream only after the previous
 * one was written to the client. Runs on the upstream connection's event loop and core threads;
 * writes to the client keep event order.
 */
final class ResponseRelay implements UpstreamCall.Listener {
  private static final System.Logger LOG = System.getLogger(ResponseRelay.class.getName());

  private final McpSession session;
  private final McpSessions sessions;
  private final Relay relay;
  private final HttpMethod method;
  private final Frame request;
  private final Exchange target;
  private final int maxBytes;
  private UpstreamCall call;
  private HttpResponseStatus status;
  private final HttpHeaders headers = new DefaultHttpHeaders();
  private boolean json;
  private SseDecoder events;
  private ByteArrayOutputStream body;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  private volatile boolean answerSeen;

  ResponseRelay(
      McpSession session,
      McpSessions sessions,
      Relay relay,
      HttpMethod method,
      Frame request,
      Exchange target,
      int maxBytes) {
    this.session = session;
    this.sessions = sessions;
    this.relay = relay;
    this.method = method;
    this.request = request;
    this.target = target;
    this.maxBytes = maxBytes;
  }

  void bind(UpstreamCall call) {
    this.call = call;
  }

  @Override
  public void onHead(HttpResponse head) {
    String sid = head.headers().get("Mcp-Session-Id");
    if (sid != null) {
      sessions.adopt(sid, session);
    }
    status = head.status();
    HopByHop.copy(head.headers(), headers);
    if (status.code() == 200 && Exchange.isEventStream(head.headers())) {
      events = new SseDecoder(maxBytes, this::onEvent);
      if (target != null) {
        target.startStream(status, headers);
        if (method.equals(HttpMethod.GET) || isListen()) {
          session.serverStream(target);
        }
      }
    } else {
      json = Exchange.isJson(head.headers());
      body = new ByteArrayOutputStream();
    }
    call.read();
  }

  @Override
  public void onBody(byte[] bytes, boolean last) {
    if (events != null) {
      try {
        events.feed(bytes, 0, bytes.length);
      } catch (SseDecoder.TooLarge e) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage() + ": stream closed");
        call.abort();
        last = true;
      }
      if (last) {
        tail.whenComplete((v, e) -> endStream());
      } else if (target != null) {
        tail.whenComplete((v, e) -> target.afterWrites(call::read));
      } else {
        tail.whenComplete((v, e) -> call.read());
      }
      return;
    }
    if (body.size() + bytes.length > maxBytes) {
      call.abort();
      onFailure("answer larger than " + maxBytes + " bytes", true);
      return;
    }
    body.writeBytes(bytes);
    if (!last) {
      call.read();
      return;
    }
    byte[] whole = body.toByteArray();
    if (json && whole.length > 0) {
      Frame f = Frame.of(whole);
      answerSeen = true; // before the core sees it: a disconnect from now on only closes
      session.onFrame(Direction.SERVER_TO_CLIENT, f).whenComplete((a, e) -> answered(f, a, e));
    } else {
      if (target != null) {
        target.respond(status, headers, null, whole);
        forgetRequest();
      }
      ended();
    }
  }

  /** The core's verdict on a whole JSON answer. */
  private void answered(Frame f, Action a, Throwable error) {
    learn(f);
    forgetRequest();
    ended();
    if (error == null && a.type() == Action.Type.DROP && status.code() / 100 != 2) {
      emitWhole(f.bytes(), null); // an error body that is not JSON-RPC (401, 404): unchanged
      return;
    }
    if (error != null || a.type() == Action.Type.DROP) {
      LOG.log(
          System.Logger.Level.WARNING, "answer not relayed: " + (error != null ? error : a.note()));
      if (target != null) {
        byte[] err =
            ErrorFrames.encode(
                request == null ? null : request.id(),
                ProxyError.UPSTREAM_CLOSED,
                "the MCP server's answer was not relayed",
                null);
        target.respondJson(HttpResponseStatus.BAD_GATEWAY, err);
      }
      return;
    }
    switch (a.type()) {
      case FORWARD -> emitWhole(f.bytes(), null);
      case REPLY -> {
        if (a.replyDirection() == Direction.SERVER_TO_CLIENT) {
          emitWhole(a.reply(), "application/json");
        } else {
          relay.fromSession(session, a.reply());
        }
      }
      default -> {} // CONSUMED: the answer to the proxy's own request
    }
  }

  private void emitWhole(byte[] frame, String contentType) {
    if (target != null) {
      target.respond(status, headers, contentType, frame);
    } else {
      session.deliver(frame);
    }
  }

  /** One event of the stream: its data goes through the core; events are written in order. */
  private void onEvent(SseEvent event) {
    if (event.data() == null || event.data().length == 0) {
      tail = tail.thenRun(() -> write(event.raw()));
      return;
    }
    Frame f = Frame.of(event.data());
    if (f.kind().isResponse() && request != null && f.id() != null && f.id().equals(request.id())) {
      answerSeen = true; // written on the upstream event loop only
    }
    CompletableFuture<Action> verdict = session.onFrame(Direction.SERVER_TO_CLIENT, f);
    tail =
        tail.thenCombine(verdict, (v, a) -> a)
            .handle(
                (a, e) -> {
                  relayEvent(event, f, a, e);
                  return null;
                });
  }

  private void relayEvent(SseEvent event, Frame f, Action a, Throwable error) {
    if (error != null) {
      LOG.log(System.Logger.Level.ERROR, "event not relayed: " + error);
      write(event.withoutData());
      return;
    }
    if (f.kind().isResponse() && request != null && f.id() != null && f.id().equals(request.id())) {
      session.answered(f.id().toJson(), target);
      learn(f);
    }
    switch (a.type()) {
      case FORWARD -> {
        if (target != null) {
          write(event.raw());
        } else {
          session.deliver(f.bytes());
        }
      }
      case REPLY -> {
        if (a.replyDirection() == Direction.CLIENT_TO_SERVER) {
          relay.fromSession(session, a.reply());
          write(event.withoutData());
        } else if (target != null) {
          write(event.withData(a.reply()));
        } else {
          session.deliver(a.reply());
        }
      }
      case DROP -> {
        LOG.log(System.Logger.Level.WARNING, a.note());
        write(event.withoutData());
      }
      default -> write(event.withoutData());
    }
  }

  private void write(byte[] bytes) {
    if (target != null) {
      target.write(bytes);
    }
  }

  private void endStream() {
    if (target != null) {
      target.end();
      session.serverStreamEnded(target);
      forgetRequest();
    }
    ended();
  }

  /** The upstream's answer to a {@code tools/list}: its {@code x-mcp-header} annotations. */
  private void learn(Frame answer) {
    if (request != null
        && "tools/list".equals(request.method())
        && answer.kind() == FrameKind.RESULT) {
      relay.paramHeaders().learn(answer);
    }
  }

  /** A 2026-07-28 {@code subscriptions/listen}: its stream serves like the session's GET stream. */
  private boolean isListen() {
    return request != null
        && request.kind() == FrameKind.REQUEST
        && "subscriptions/listen".equals(request.method());
  }

  /**
   * The client closed its connection before the answer was complete: that is the cancellation of
   * the request (the 2026-07-28 rule; no {@code notifications/cancelled} on HTTP). The upstream
   * exchange is closed (its connection, so the server sees the cancellation the same way) and, for
   * a request, the core forgets it and seals an {@code UPSTREAM_CLOSED} error reply naming the
   * disconnect, which is never delivered; a late answer is not relayed. When the upstream's answer
   * already went through the core, only the connection is closed. Called once, on the client
   * channel's event loop.
   */
  void clientGone() {
    call.abort();
    if (request != null && request.kind() == FrameKind.REQUEST && !answerSeen) {
      LOG.log(
          System.Logger.Level.INFO,
          "session "
              + session.id()
              + ": the client closed the POST of a "
              + request.method()
              + "; the upstream exchange is closed (cancellation)");
      session.answered(request.id().toJson(), target);
      session.core().upstreamFailed(request.id(), "the client closed its connection (cancelled)");
    }
    if (target != null) {
      session.serverStreamEnded(target);
    }
  }

  /** Once the response is over: a DELETE that succeeded ends the session. */
  private void ended() {
    if (method.equals(HttpMethod.DELETE) && status != null && status.code() / 100 == 2) {
      sessions.end(session, "client ended the MCP session (HTTP DELETE)");
    }
  }

  private void forgetRequest() {
    if (request != null && request.kind() == FrameKind.REQUEST && target != null) {
      session.answered(request.id().toJson(), target);
    }
  }

  @Override
  public void onFailure(String why, boolean headSeen) {
    LOG.log(System.Logger.Level.WARNING, "upstream " + method + " failed: " + why);
    if (events != null) {
      tail.whenComplete((v, e) -> endStream()); // the server may close a resumable stream
      return;
    }
    if (request != null && request.kind() == FrameKind.REQUEST) {
      byte[] err = session.core().upstreamFailed(request.id(), why);
      session.answered(request.id().toJson(), target);
      if (target != null) {
        target.answer(err);
      } else {
        session.deliver(err);
      }
      return;
    }
    if (target != null) {
      target.respondJson(
          HttpResponseStatus.BAD_GATEWAY,
          ErrorFrames.encode(
              null,
              ProxyError.UPSTREAM_CLOSED,
              "the MCP server could not be reached: " + why,
              null));
    }
  }
}
