package dev.aegis.cli.it;

import dev.aegis.testsupport.NodePeers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real HTTP peers for the Streamable HTTP ITs: server-everything in streamableHttp mode. */
final class HttpPeers {
  private HttpPeers() {}

  /** A port free right now on loopback. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts server-everything's Streamable HTTP transport on {@code port} (its PORT variable). */
  static Process everything(int port, Path log) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(NodePeers.bin("mcp-server-everything").toString(), "streamableHttp");
    pb.environment().put("PORT", String.valueOf(port));
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    awaitPort(port, p);
    return p;
  }

  /** Waits (at most 30 s) until something accepts connections on the port. */
  static void awaitPort(int port, Process owner) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!owner.isAlive()) {
        throw new AssertionError("process exited with " + owner.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("nothing listening on port " + port);
  }

  /** aegis-proxy --listen on {@code port} in front of {@code upstream}, with a manifest. */
  static ProxyProcess proxy(Path store, int port, String upstream, String manifest)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                "sqlite:" + store,
                "--listen",
                "127.0.0.1:" + port,
                "--upstream",
                upstream,
                "--manifest",
                ProxyProcess.ROOT.resolve("examples/manifests").resolve(manifest).toString()));
    // Netty's leak detector on every buffer: a leak is reported on stderr ("LEAK:")
    ProxyProcess p =
        ProxyProcess.start(
            "aegis-proxy",
            args,
            java.util.Map.of(
                "AEGIS_JAVA_OPTS",
                "-XX:+UseSerialGC -Xss512k -Dio.netty.leakDetection.level=paranoid"));
    awaitPort(port, p.process);
    return p;
  }
}
