package dev.aegis.examples;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/** An input stream that runs a callback once, the first time a read reports end of file. */
final class EofSignallingInputStream extends FilterInputStream {

  private final Runnable onEof;
  private final AtomicBoolean signalled = new AtomicBoolean();

  EofSignallingInputStream(InputStream in, Runnable onEof) {
    super(in);
    this.onEof = onEof;
  }

  @Override
  public int read() throws IOException {
    return signalIfEof(super.read());
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return signalIfEof(super.read(b, off, len));
  }

  private int signalIfEof(int result) {
    if (result < 0 && signalled.compareAndSet(false, true)) {
      onEof.run();
    }
    return result;
  }
}
