package dev.aegis.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads {@code text/event-stream} bodies of one logical stream (a POST's answer and the GET streams
 * that resume it) and hands the data of each event, a JSON-RPC frame, to a consumer. Remembers the
 * last event id for {@code Last-Event-ID}. Not thread-safe: one reader per stream.
 */
final class SseBodyReader {
  private final int maxEventBytes;
  private volatile String lastEventId;
  private int events;

  SseBodyReader(int maxEventBytes) {
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Reads {@code body} to its end, calling {@code frames} with each event's data (empty data, as in
   * priming events, is skipped). Throws {@link IOException} when the stream breaks or an event
   * exceeds the cap.
   */
  void read(InputStream body, Consumer<byte[]> frames) throws IOException {
    SseDecoder decoder =
        new SseDecoder(
            maxEventBytes,
            e -> {
              String id = idOf(e.fields());
              if (id != null) {
                lastEventId = id;
              }
              if (e.data() != null && e.data().length > 0) {
                events++;
                frames.accept(e.data());
              }
            });
    byte[] buf = new byte[16 * 1024];
    int n;
    try {
      while ((n = body.read(buf)) >= 0) {
        decoder.feed(buf, 0, n);
      }
    } catch (SseDecoder.TooLarge e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The id of the last event that had one, or null. */
  String lastEventId() {
    return lastEventId;
  }

  /** How many events with data were read so far. */
  int events() {
    return events;
  }

  /** The value of the last {@code id} line among an event's other lines, or null. */
  static String idOf(byte[] fields) {
    String id = null;
    for (String line : new String(fields, StandardCharsets.UTF_8).split("\r?\n")) {
      if (line.equals("id")) {
        id = "";
      } else if (line.startsWith("id:")) {
        String v = line.substring(line.startsWith("id: ") ? 4 : 3);
        if (v.indexOf('\0') < 0) {
          id = v;
        }
      }
    }
    return id == null || id.isEmpty() ? null : id;
  }
}
