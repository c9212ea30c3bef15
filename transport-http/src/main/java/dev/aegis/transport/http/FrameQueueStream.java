package dev.aegis.transport.http;

import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The upstream's frames as the stdio proxy reads them: one line per frame, offered whole by any
 * thread and read by one. The bounded queue is the backpressure: when the client stops reading, the
 * threads reading the upstream's responses block, and so does the upstream.
 */
final class FrameQueueStream extends InputStream {
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> lines = new ArrayBlockingQueue<>(256);
  private byte[] current;
  private int pos;
  private volatile boolean ended;

  /** Queues one frame (without its newline); blocks while the queue is full. */
  void offer(byte[] frame) throws InterruptedException {
    if (ended) {
      return;
    }
    byte[] line = new byte[frame.length + 1];
    System.arraycopy(frame, 0, line, 0, frame.length);
    line[frame.length] = '\n';
    lines.put(line);
  }

  /** Ends the stream after the frames already queued (idempotent, never blocks). */
  void end() {
    ended = true;
    // a full queue has no room for the mark: the reader sees the flag once it drained the queue
    lines.offer(END);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    try {
      if (current == null || pos == current.length) {
        current = ended && lines.isEmpty() ? END : lines.take();
        pos = 0;
        if (current == END) {
          lines.offer(END);
          return -1;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }
}
