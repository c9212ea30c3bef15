package dev.aegis.transport.http;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Splits a {@code text/event-stream} body into events, fed in chunks split anywhere. Lines end with
 * LF or CRLF (a lone CR is not treated as a line end). An event larger than the cap fails fast. Not
 * thread-safe: one decoder per stream, fed from one thread at a time.
 */
final class SseDecoder {
  private final int maxEventBytes;
  private final Consumer<SseEvent> events;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private final ByteArrayOutputStream fields = new ByteArrayOutputStream();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private boolean hasData;

  /** Thrown when one event exceeds the cap. */
  static final class TooLarge extends RuntimeException {
    TooLarge(int limit) {
      super("server-sent event larger than " + limit + " bytes");
    }
  }

  SseDecoder(int maxEventBytes, Consumer<SseEvent> events) {
    this.maxEventBytes = maxEventBytes;
    this.events = events;
  }

  /** Feeds {@code n} bytes; emits every event they complete. */
  void feed(byte[] buf, int off, int n) {
    for (int i = off; i < off + n; i++) {
      byte b = buf[i];
      line.write(b);
      if (b == '\n') {
        onLine(line.toByteArray());
        line.reset();
      } else if (line.size() + raw.size() > maxEventBytes) {
        throw new TooLarge(maxEventBytes);
      }
    }
  }

  private void onLine(byte[] withEnding) {
    raw.writeBytes(withEnding);
    int end = withEnding.length - 1;
    if (end > 0 && withEnding[end - 1] == '\r') {
      end--;
    }
    if (end == 0) {
      events.accept(
          new SseEvent(
              raw.toByteArray(), fields.toByteArray(), hasData ? data.toByteArray() : null));
      raw.reset();
      fields.reset();
      data.reset();
      hasData = false;
      return;
    }
    if (isData(withEnding, end)) {
      int start = 4;
      if (end > 4) {
        start = 5; // the colon
        if (end > 5 && withEnding[5] == ' ') {
          start = 6;
        }
      }
      if (hasData) {
        data.write('\n');
      }
      data.write(withEnding, start, end - start);
      hasData = true;
    } else {
      fields.writeBytes(withEnding);
    }
  }

  private static boolean isData(byte[] l, int end) {
    return end >= 4
        && l[0] == 'd'
        && l[1] == 'a'
        && l[2] == 't'
        && l[3] == 'a'
        && (end == 4 || l[4] == ':');
  }
}
