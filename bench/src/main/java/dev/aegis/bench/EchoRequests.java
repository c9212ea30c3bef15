package dev.aegis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the {@code tools/call echo} requests of a run and checks each answer byte for byte against
 * what {@link EchoServer} writes, so a proxied run also proves the relay is transparent. Immutable
 * and thread-safe.
 */
final class EchoRequests {
  private static final byte[] REQUEST_PREFIX = ascii("{\"jsonrpc\":\"2.0\",\"id\":");
  private static final long PROBE_ID = 1_234_567L;

  private final byte[] requestSuffix;
  private final byte[] responsePrefix;
  private final byte[] responseSuffix;

  /** Requests whose echoed text is {@code payloadBytes} ASCII characters long. */
  EchoRequests(int payloadBytes) {
    String text = filler(payloadBytes);
    requestSuffix =
        ascii(
            ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\""
                + text
                + "\"}}}\n");
    // Split the server's own answer around the id, then check that the split is exact.
    byte[] probe = EchoServer.respond(withoutNewline(call(PROBE_ID)));
    String answer = new String(probe, StandardCharsets.US_ASCII);
    String marker = "\"id\":" + PROBE_ID;
    int at = answer.indexOf(marker);
    if (at < 0) {
      throw new IllegalStateException("echo answer has no id field");
    }
    responsePrefix = ascii(answer.substring(0, at + 5));
    responseSuffix = ascii(answer.substring(at + marker.length()));
    for (long id : new long[] {1, 42, 9_007_199_254_740_993L}) {
      if (!matches(id, EchoServer.respond(withoutNewline(call(id))))) {
        throw new IllegalStateException("echo answer template does not reproduce id " + id);
      }
    }
  }

  /** The request with the given id, including its terminating newline. */
  byte[] call(long id) {
    byte[] digits = ascii(Long.toString(id));
    byte[] out = new byte[REQUEST_PREFIX.length + digits.length + requestSuffix.length];
    System.arraycopy(REQUEST_PREFIX, 0, out, 0, REQUEST_PREFIX.length);
    System.arraycopy(digits, 0, out, REQUEST_PREFIX.length, digits.length);
    System.arraycopy(
        requestSuffix, 0, out, REQUEST_PREFIX.length + digits.length, requestSuffix.length);
    return out;
  }

  /** Throws unless {@code response} is exactly the echo server's answer to request {@code id}. */
  void check(long id, byte[] response) throws IOException {
    if (!matches(id, response)) {
      throw new IOException(
          "answer to request " + id + " is not the exact echo: " + abbreviate(response));
    }
  }

  private boolean matches(long id, byte[] r) {
    byte[] digits = ascii(Long.toString(id));
    int p = responsePrefix.length;
    int d = digits.length;
    return r.length == p + d + responseSuffix.length
        && Arrays.equals(r, 0, p, responsePrefix, 0, p)
        && Arrays.equals(r, p, p + d, digits, 0, d)
        && Arrays.equals(r, p + d, r.length, responseSuffix, 0, responseSuffix.length);
  }

  /** Deterministic ASCII text of the given length that needs no JSON escaping. */
  static String filler(int length) {
    String words = "the quick brown fox jumps over the lazy dog 0123456789 ";
    StringBuilder b = new StringBuilder(length);
    while (b.length() < length) {
      b.append(words, 0, Math.min(words.length(), length - b.length()));
    }
    return b.toString();
  }

  static byte[] withoutNewline(byte[] frame) {
    return Arrays.copyOf(frame, frame.length - 1);
  }

  private static String abbreviate(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + bytes.length + " bytes)";
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
