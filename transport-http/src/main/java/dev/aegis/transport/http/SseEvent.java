package dev.aegis.transport.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One server-sent event as received: its exact bytes (every line and the blank line that ends it),
 * the bytes of its lines other than {@code data} ({@code id}, {@code event}, {@code retry},
 * comments, unknown fields) and its data joined by newlines, or null when it has none.
 *
 * @param raw the exact received bytes of the event
 * @param fields every non-data line with its line ending, in order
 * @param data the event's data (the JSON-RPC frame), or null for a priming event or a comment
 */
record SseEvent(byte[] raw, byte[] fields, byte[] data) {

  /** This event with its data replaced by {@code frame} (one data line per line of it). */
  byte[] withData(byte[] frame) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(fields.length + frame.length + 16);
    out.writeBytes(fields);
    for (String line : new String(frame, StandardCharsets.UTF_8).split("\n", -1)) {
      out.writeBytes(("data: " + line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** This event without its data: keeps its id (for Last-Event-ID) and other fields, or nothing. */
  byte[] withoutData() {
    if (fields.length == 0) {
      return fields;
    }
    byte[] out = new byte[fields.length + 1];
    System.arraycopy(fields, 0, out, 0, fields.length);
    out[fields.length] = '\n';
    return out;
  }

  /** Events carry frames: print only the sizes. */
  @Override
  public String toString() {
    return "SseEvent[" + raw.length + " bytes, data " + (data == null ? "none" : data.length) + "]";
  }
}
