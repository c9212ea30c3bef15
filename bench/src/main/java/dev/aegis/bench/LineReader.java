package dev.aegis.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-terminated lines without decoding them, with a size cap. Not
 * thread-safe: one reader per stream.
 */
final class LineReader {
  private final InputStream in;
  private final int maxLineBytes;
  private byte[] buf = new byte[64 * 1024];
  private int start;
  private int end;

  LineReader(InputStream in, int maxLineBytes) {
    this.in = requireNonNull(in, "in");
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes: " + maxLineBytes + " (expected: > 0)");
    }
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * The next line without its {@code \n}, or null at end of stream (a final unterminated line is
   * returned first). Throws when a line exceeds the cap.
   */
  byte[] readLine() throws IOException {
    int scanned = start;
    while (true) {
      for (int i = scanned; i < end; i++) {
        if (buf[i] == '\n') {
          byte[] line = Arrays.copyOfRange(buf, start, i);
          start = i + 1;
          return line;
        }
      }
      scanned = end;
      if (end - start > maxLineBytes) {
        throw new IOException("line exceeds " + maxLineBytes + " bytes");
      }
      if (end == buf.length) {
        makeRoom();
        scanned = end;
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        if (start == end) {
          return null;
        }
        byte[] last = Arrays.copyOfRange(buf, start, end);
        start = end;
        return last;
      }
      end += n;
    }
  }

  private void makeRoom() {
    int pending = end - start;
    if (start > 0 && pending < buf.length / 2) {
      System.arraycopy(buf, start, buf, 0, pending);
    } else {
      byte[] bigger = new byte[Math.max(buf.length * 2, 1024)];
      System.arraycopy(buf, start, bigger, 0, pending);
      buf = bigger;
    }
    start = 0;
    end = pending;
  }
}
