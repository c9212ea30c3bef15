package dev.aegis.cli.ctl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream at {@code \n} without decoding it, so lines keep their exact bytes. A line
 * longer than the cap is skipped and reported by its length instead of being buffered. Not
 * thread-safe.
 */
final class LineReader {
  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;

  /** One line without its {@code \n}; {@code bytes} is null when the line exceeded the cap. */
  record Line(byte[] bytes, long length) {}

  /** A reader of lines of at most {@code maxLineBytes} bytes. */
  LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line, or null at the end of the stream; a last line may lack its {@code \n}. */
  Line next() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    long length = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          return any ? finish(line, length) : null;
        }
      }
      any = true;
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      int n = pos - start;
      if (length + n <= maxLineBytes) {
        line.write(buf, start, n);
      }
      length += n;
      if (pos < limit) {
        pos++;
        return finish(line, length);
      }
    }
  }

  private Line finish(ByteArrayOutputStream line, long length) {
    return new Line(length <= maxLineBytes ? line.toByteArray() : null, length);
  }
}
