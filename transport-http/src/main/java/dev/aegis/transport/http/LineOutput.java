package dev.aegis.transport.http;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * What the stdio proxy writes towards the server, cut back into frames: each line (without its
 * newline) goes to the consumer; closing it runs {@code onClose} once. Not thread-safe: the stdio
 * proxy serialises its writes.
 */
final class LineOutput extends OutputStream {
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final Consumer<byte[]> frames;
  private final Runnable onClose;
  private boolean closed;

  LineOutput(Consumer<byte[]> frames, Runnable onClose) {
    this.frames = frames;
    this.onClose = onClose;
  }

  @Override
  public void write(int b) {
    if (b == '\n') {
      if (line.size() > 0) {
        frames.accept(line.toByteArray());
      }
      line.reset();
    } else {
      line.write(b);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    int start = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        line.write(b, start, i - start);
        write('\n');
        start = i + 1;
      }
    }
    line.write(b, start, off + len - start);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }
}
