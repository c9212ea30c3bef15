package dev.aegis.policy.grpc;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real opa-envoy-plugin sidecar for tests: a child process on free loopback ports serving the
 * given Rego directories with the ext_authz gRPC plugin at {@code aegis/envoy/result}, waited for
 * through OPA's {@code /health?plugins} (bounded), killed on {@link #close()}.
 *
 * <p>The binary is {@code -Daegis.opaEnvoy}, else {@code opa-envoy-plugin} on the PATH, else {@code
 * /root/go/bin/opa-envoy-plugin} (where {@code .ci/run} installs it).
 */
public final class OpaSidecar implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int grpcPort;
  private final Path log;

  private OpaSidecar(Process process, int grpcPort, Path log) {
    this.process = process;
    this.grpcPort = grpcPort;
    this.log = log;
  }

  /** Starts the real opa-envoy-plugin serving the directories; waits until it is healthy. */
  public static OpaSidecar start(Path workDir, List<Path> bundleDirectories) throws Exception {
    Files.createDirectories(workDir);
    int grpcPort = freePort();
    int httpPort = freePort();
    Path config = workDir.resolve("opa-envoy.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "plugins:",
            "  envoy_ext_authz_grpc:",
            "    addr: 127.0.0.1:" + grpcPort,
            "    path: aegis/envoy/result",
            "decision_logs:",
            "  console: false",
            ""));
    Path log = workDir.resolve("opa-envoy.log");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            binary(),
            "run",
            "--server",
            "--addr=127.0.0.1:" + httpPort,
            "--config-file=" + config,
            "--ignore=*_test.rego",
            "--skip-version-check",
            "--log-level=error"));
    bundleDirectories.forEach(d -> command.add(d.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    OpaSidecar sidecar = new OpaSidecar(p, grpcPort, log);
    try {
      sidecar.awaitReady(httpPort);
      return sidecar;
    } catch (Exception e) {
      sidecar.close();
      throw e;
    }
  }

  /** The gRPC address, HOST:PORT. */
  public String target() {
    return "127.0.0.1:" + grpcPort;
  }

  private void awaitReady(int httpPort) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health?plugins"))
            .timeout(Duration.ofSeconds(1))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "opa-envoy-plugin exited with " + process.exitValue() + ": " + logTail());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "opa-envoy-plugin not ready within " + READY_TIMEOUT + ": " + logTail());
  }

  private String logTail() throws IOException {
    String text = Files.readString(log);
    return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String binary() {
    String configured = System.getProperty("aegis.opaEnvoy");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "opa-envoy-plugin");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    Path ci = Path.of("/root/go/bin/opa-envoy-plugin");
    if (Files.isExecutable(ci)) {
      return ci.toString();
    }
    throw new IllegalStateException(
        "opa-envoy-plugin not found (set -Daegis.opaEnvoy or run .ci/run, which installs it)");
  }
}
