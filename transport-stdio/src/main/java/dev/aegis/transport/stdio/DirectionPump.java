package dev.aegis.transport.stdio;

import dev.aegis.core.frame.Frame;
import dev.aegis.core.pipeline.Action;
import dev.aegis.core.pipeline.Direction;
import dev.aegis.core.pipeline.ProxySession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Relays one direction: a reader thread decodes lines and hands each frame to the core; a
 * dispatcher thread acts on the core's decisions strictly in arrival order (so order within a
 * direction is kept even though requests wait for durability). The bounded queue between them is
 * the backpressure: when the far side stops reading, we stop reading too.
 */
final class DirectionPump {
  private static final System.Logger LOG = System.getLogger(DirectionPump.class.getName());
  private static final int QUEUE = 1024;
  private static final Pending END = new Pending(null, null);

  private final Direction direction;
  private final InputStream in;
  private final ProxySession session;
  private final FrameSink forwardSink;
  private final FrameSink clientSink;
  private final FrameSink serverSink;
  private final int maxFrameBytes;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
  private final CountDownLatch done = new CountDownLatch(1);

  private record Pending(Frame frame, CompletableFuture<Action> action) {}

  DirectionPump(
      Direction direction,
      InputStream in,
      ProxySession session,
      FrameSink clientSink,
      FrameSink serverSink,
      int maxFrameBytes) {
    this.direction = direction;
    this.in = in;
    this.session = session;
    this.clientSink = clientSink;
    this.serverSink = serverSink;
    this.forwardSink = direction == Direction.CLIENT_TO_SERVER ? serverSink : clientSink;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Starts the reader and dispatcher threads. */
  void start() {
    String name = direction == Direction.CLIENT_TO_SERVER ? "aegis-c2s" : "aegis-s2c";
    Thread reader = new Thread(this::read, name + "-reader");
    Thread dispatcher = new Thread(this::dispatch, name + "-dispatcher");
    reader.setDaemon(true);
    dispatcher.setDaemon(true);
    reader.start();
    dispatcher.start();
  }

  /** Waits until the input ended and every frame read was acted upon. */
  void awaitDone() throws InterruptedException {
    done.await();
  }

  /** True once the input ended and every frame was acted upon. */
  boolean isDone() {
    return done.getCount() == 0;
  }

  private void read() {
    LineFrameDecoder decoder = new LineFrameDecoder(maxFrameBytes, new Enqueuer());
    byte[] buf = new byte[64 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        decoder.feed(buf, 0, n);
      }
      decoder.end();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, direction + " input closed: " + e.getMessage());
    } finally {
      put(END);
    }
  }

  private final class Enqueuer implements LineFrameDecoder.Listener {
    @Override
    public void onLine(byte[] line) {
      Frame frame = Frame.of(line);
      put(new Pending(frame, session.onFrame(direction, frame)));
    }

    @Override
    public void onOversized(byte[] prefix, int prefixLength, long length, String sha256) {
      Frame head = Frame.ofPrefix(prefix, prefixLength);
      LOG.log(
          System.Logger.Level.WARNING,
          direction.wireName() + " frame of " + length + " bytes exceeds " + maxFrameBytes);
      put(new Pending(null, session.onOversized(direction, head, length, sha256, maxFrameBytes)));
    }
  }

  private void put(Pending p) {
    try {
      queue.put(p);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void dispatch() {
    try {
      while (true) {
        Pending p = queue.poll();
        if (p == null) {
          forwardSink.flush(); // about to wait for input: what was written must go out now
          p = queue.take();
        }
        if (p == END) {
          break;
        }
        if (!p.action().isDone()) {
          forwardSink.flush(); // about to wait for a decision: same
        }
        act(p.frame(), p.action().join());
      }
      forwardSink.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      done.countDown();
    }
  }

  private void act(Frame frame, Action action) {
    switch (action.type()) {
      case FORWARD:
        // Flushed by the loop before it waits: consecutive ready frames share one write.
        forwardSink.write(frame.bytes(), false);
        break;
      case REPLY:
        FrameSink to =
            action.replyDirection() == Direction.SERVER_TO_CLIENT ? clientSink : serverSink;
        to.write(action.reply(), true);
        break;
      case DROP:
        String shown =
            frame == null
                ? ""
                : ": "
                    + new String(
                        frame.bytes(), 0, Math.min(200, frame.length()), StandardCharsets.UTF_8);
        LOG.log(System.Logger.Level.WARNING, action.note() + shown);
        break;
      case CONSUMED:
        break; // the session acts on it later (a held call) or it was its own answer

      default:
        throw new AssertionError(action);
    }
  }
}
