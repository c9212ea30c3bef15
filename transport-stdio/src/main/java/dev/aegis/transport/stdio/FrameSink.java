package dev.aegis.transport.stdio;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes frames to one stream, one {@code \n} after each. Thread-safe: two directions may answer on
 * the same stream (relayed frames and the proxy's own replies); each frame is written whole.
 */
final class FrameSink {
  private final OutputStream out;
  private final String name;
  private boolean broken;

  FrameSink(OutputStream out, String name) {
    this.out = out;
    this.name = name;
  }

  /** Writes one frame; flushes when asked (the caller flushes when its queue runs dry). */
  synchronized boolean write(byte[] frame, boolean flush) {
    if (broken) {
      return false;
    }
    try {
      out.write(frame);
      out.write('\n');
      if (flush) {
        out.flush();
      }
      return true;
    } catch (IOException e) {
      broken = true;
      System.getLogger(FrameSink.class.getName())
          .log(System.Logger.Level.WARNING, name + " closed: " + e.getMessage());
      return false;
    }
  }

  /** Flushes buffered frames. */
  synchronized void flush() {
    if (broken) {
      return;
    }
    try {
      out.flush();
    } catch (IOException e) {
      broken = true;
    }
  }

  /** Closes the stream (EOF for the peer). */
  synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // already gone
    }
    broken = true;
  }
}
