package dev.aegis.cli.it;

import dev.aegis.core.json.Json;
import dev.aegis.testsupport.NodePeers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

  /** The tools a manifest of examples/manifests declares. */
  static Set<String> declaredTools(String manifest) throws IOException {
    Set<String> declared = new HashSet<>();
    Json.parse(
            Files.readAllBytes(ProxyProcess.ROOT.resolve("examples/manifests").resolve(manifest)))
        .at("/permissions/tools")
        .forEach(t -> declared.add(t.asText()));
    return declared;
  }

  /** server-everything (streamableHttp) behind aegis-proxy --listen; closing stops both. */
  record Gateway(Process upstream, ProxyProcess proxy, int port) implements AutoCloseable {
    String url() {
      return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
      proxy.close();
      upstream.destroy();
    }
  }

  /** Starts server-everything and the proxy in front of it (store chain.db in {@code dir}). */
  static Gateway gateway(Path dir, Path manifest, String... extraArgs) throws Exception {
    int upstreamPort = freePort();
    int port = freePort();
    Process upstream = everything(upstreamPort, dir.resolve("upstream.log"));
    try {
      ProxyProcess proxy =
          proxy(
              dir.resolve("chain.db"),
              port,
              "http://127.0.0.1:" + upstreamPort + "/mcp",
              manifest,
              extraArgs);
      return new Gateway(upstream, proxy, port);
    } catch (Exception | AssertionError e) {
      upstream.destroy();
      throw e;
    }
  }

  /** aegis-proxy --listen on {@code port} in front of {@code upstream}, with a manifest. */
  static ProxyProcess proxy(
      Path store, int port, String upstream, Path manifest, String... extraArgs) throws Exception {
    ProxyProcess p = startProxy(store, "127.0.0.1:" + port, upstream, manifest, extraArgs);
    awaitPort(port, p.process);
    return p;
  }

  /**
   * Starts aegis-proxy --listen {@code listen} in front of {@code upstream} with a manifest and a
   * SQLite store, without waiting for it to listen.
   */
  static ProxyProcess startProxy(
      Path store, String listen, String upstream, Path manifest, String... extraArgs)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                "sqlite:" + store,
                "--listen",
                listen,
                "--upstream",
                upstream,
                "--manifest",
                manifest.toString()));
    args.addAll(List.of(extraArgs));
    // Netty's leak detector on every buffer: a leak is reported on stderr ("LEAK:")
    return ProxyProcess.start(
        "aegis-proxy",
        args,
        java.util.Map.of(
            "AEGIS_JAVA_OPTS",
            "-XX:+UseSerialGC -Xss512k -Dio.netty.leakDetection.level=paranoid"));
  }

  /** A manifest of examples/manifests. */
  static Path manifest(String name) {
    return ProxyProcess.ROOT.resolve("examples/manifests").resolve(name);
  }
}
