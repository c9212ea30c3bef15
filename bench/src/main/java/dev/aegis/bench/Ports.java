package dev.aegis.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for the HTTP benches: a free one, and waiting until a process listens. */
final class Ports {
  private Ports() {}

  /** A port free on loopback right now. */
  static int free() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Waits (at most 60 s) until something accepts connections on {@code port}; throws if {@code
   * owner} (the process expected to listen) exits first or time runs out.
   */
  static void await(int port, Process owner) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!owner.isAlive()) {
        throw new IOException("the process exited with " + owner.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IOException("nothing listens on port " + port);
  }
}
