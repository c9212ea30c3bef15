package dev.aegis.transport.stdio;

import dev.aegis.core.event.Hex;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-delimited frames with a size cap (bytes become frames once,
 * here). A line longer than the cap fails fast: its bytes are discarded as they arrive, keeping
 * only a prefix (to find the id) and a running SHA-256, and the listener hears about it at the
 * line's end. Blank lines are skipped. Not thread-safe: one reader thread feeds it.
 */
public final class LineFrameDecoder {
  /** Bytes of an oversized line kept to read its id and method. */
  static final int PREFIX_BYTES = 64 * 1024;

  /** Receives decoded lines. */
  public interface Listener {
    /** A complete line, without its {@code \n}; the array is the listener's to keep. */
    void onLine(byte[] line);

    /** A line longer than the cap ended: its first bytes, total length and digest. */
    void onOversized(byte[] prefix, int prefixLength, long length, String sha256);
  }

  private final int maxFrameBytes;
  private final Listener listener;
  private byte[] buf = new byte[256];
  private int len;
  private boolean discarding;
  private long discardedLength;
  private MessageDigest digest;

  /** A decoder capping lines at {@code maxFrameBytes}, reporting to {@code listener}. */
  public LineFrameDecoder(int maxFrameBytes, Listener listener) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: > 0)");
    }
    this.maxFrameBytes = maxFrameBytes;
    this.listener = listener;
  }

  /** Feeds bytes; calls the listener for every line completed by them. */
  public void feed(byte[] data, int off, int n) {
    int end = off + n;
    int start = off;
    for (int i = off; i < end; i++) {
      if (data[i] == '\n') {
        append(data, start, i - start);
        emit();
        start = i + 1;
      }
    }
    append(data, start, end - start);
  }

  /** End of input: a final unterminated line still counts as a frame. */
  public void end() {
    if (len > 0 || discarding) {
      emit();
    }
  }

  private void append(byte[] data, int off, int n) {
    if (n == 0) {
      return;
    }
    if (discarding) {
      digest.update(data, off, n);
      discardedLength += n;
      return;
    }
    if ((long) len + n > maxFrameBytes) {
      startDiscarding(data, off, n);
      return;
    }
    ensure(len + n);
    System.arraycopy(data, off, buf, len, n);
    len += n;
  }

  private void startDiscarding(byte[] data, int off, int n) {
    discarding = true;
    digest = Hex.newSha256();
    digest.update(buf, 0, len);
    digest.update(data, off, n);
    discardedLength = (long) len + n;
    int keep = Math.min(PREFIX_BYTES - Math.min(len, PREFIX_BYTES), n);
    if (len < PREFIX_BYTES) {
      ensure(len + keep);
      System.arraycopy(data, off, buf, len, keep);
      len += keep;
    }
    len = Math.min(len, PREFIX_BYTES);
  }

  private void emit() {
    if (discarding) {
      byte[] prefix = Arrays.copyOf(buf, len);
      listener.onOversized(prefix, len, discardedLength, Hex.of(digest.digest()));
      discarding = false;
      digest = null;
    } else if (!isBlank()) {
      listener.onLine(Arrays.copyOf(buf, len));
    }
    len = 0;
    if (buf.length > 1 << 20) {
      buf = new byte[256];
    }
  }

  private boolean isBlank() {
    for (int i = 0; i < len; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private void ensure(int capacity) {
    if (capacity > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(capacity, Math.min(buf.length * 2, maxFrameBytes)));
    }
  }
}
