package dev.aegis.transport.http;

/**
 * A frame from an HTTP upstream made fit for a newline-delimited stdio stream: surrounding
 * whitespace dropped and line breaks inside it (legal only as JSON whitespace, since strings escape
 * them) turned into spaces. A frame without either is returned as the same array, byte for byte.
 * Stateless.
 */
final class OneLine {
  private OneLine() {}

  static byte[] of(byte[] frame) {
    int start = 0;
    int end = frame.length;
    while (start < end && isSpace(frame[start])) {
      start++;
    }
    while (end > start && isSpace(frame[end - 1])) {
      end--;
    }
    boolean breaks = false;
    for (int i = start; i < end && !breaks; i++) {
      breaks = frame[i] == '\n' || frame[i] == '\r';
    }
    if (start == 0 && end == frame.length && !breaks) {
      return frame;
    }
    byte[] out = new byte[end - start];
    for (int i = start; i < end; i++) {
      byte b = frame[i];
      out[i - start] = b == '\n' || b == '\r' ? (byte) ' ' : b;
    }
    return out;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
