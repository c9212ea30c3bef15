package dev.aegis.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Streamable HTTP overhead: sequential {@code tools/call} round trips against {@link
 * HttpEchoServer}, directly and through {@code bin/aegis-proxy --listen} ({@code --durability
 * normal}, audit mode as in {@link EndToEnd}), reported as p50/p99 and the proxy's added latency.
 * Every proxied answer is compared with the direct one for the same request (transparency). Usage:
 * {@code HttpEndToEnd [--calls N] [--warmup N]}; exit 0 when both ran, 1 otherwise.
 */
public final class HttpEndToEnd {
  private HttpEndToEnd() {}

  /** Runs both modes and prints the table. */
  public static void main(String[] args) throws Exception {
    int calls = 2000;
    int warmup = 500;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("usage: HttpEndToEnd [--calls N] [--warmup N]");
          System.exit(2);
        }
      }
    }
    System.out.println("command: " + SystemInfo.commandLine(HttpEndToEnd.class.getName(), args));
    SystemInfo.describe().forEach((k, v) -> System.out.println(k + ": " + v));
    System.out.printf(
        "calls %d (warmup %d discarded), one session, one call in flight%n%n", calls, warmup);
    Path work = Files.createTempDirectory("aegis-http-bench-");
    Launchers launchers = Launchers.forThisJvm(null);
    try (HttpEchoServer upstream = new HttpEchoServer()) {
      Run direct = run(upstream.url(), calls, warmup);
      int port = freePort();
      Path manifest = work.resolve("bench-manifest.json");
      Files.writeString(manifest, Launchers.MANIFEST);
      Process proxy =
          new ProcessBuilder(
                  launchers.proxy().toString(),
                  "--store",
                  "sqlite:" + work.resolve("chain.db"),
                  "--durability",
                  "normal",
                  "--manifest",
                  manifest.toString(),
                  "--mode",
                  "audit",
                  "--listen",
                  "127.0.0.1:" + port,
                  "--upstream",
                  upstream.url())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("proxy.log").toFile())
              .start();
      try {
        awaitPort(port);
        Run proxied = run("http://127.0.0.1:" + port + "/mcp", calls, warmup);
        boolean same = direct.answers().equals(proxied.answers());
        LatencyStats d = LatencyStats.ofNanos(direct.nanos());
        LatencyStats p = LatencyStats.ofNanos(proxied.nanos());
        System.out.printf("%-10s %10s %10s%n", "mode", "p50 µs", "p99 µs");
        System.out.printf("%-10s %10.1f %10.1f%n", "direct", d.p50Us(), d.p99Us());
        System.out.printf("%-10s %10.1f %10.1f%n", "proxied", p.p50Us(), p.p99Us());
        System.out.printf(
            "added      %10.1f %10.1f   (×p50 %.2f)%n",
            p.p50Us() - d.p50Us(), p.p99Us() - d.p99Us(), p.p50Us() / d.p50Us());
        System.out.println("answers identical direct and proxied: " + same);
        System.exit(same ? 0 : 1);
      } finally {
        proxy.destroy();
      }
    }
  }

  private record Run(long[] nanos, List<String> answers) {}

  /** initialize, initialized, then warmup + measured calls; the measured answers are kept. */
  private static Run run(String url, int calls, int warmup) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create(url);
    HttpResponse<String> init =
        post(
            http,
            uri,
            null,
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
    String sid = init.headers().firstValue("Mcp-Session-Id").orElse(null);
    post(http, uri, sid, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    long[] nanos = new long[calls];
    String[] answers = new String[calls];
    for (int i = 0; i < warmup + calls; i++) {
      String body =
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + (i + 1)
              + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
              + "{\"message\":\"hello through aegis over http\"}}}";
      long t0 = System.nanoTime();
      HttpResponse<String> r = post(http, uri, sid, body);
      long t = System.nanoTime() - t0;
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
      }
      if (i >= warmup) {
        nanos[i - warmup] = t;
        answers[i - warmup] = r.body();
      }
    }
    return new Run(nanos, List.of(answers));
  }

  private static HttpResponse<String> post(HttpClient http, URI uri, String sid, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sid != null) {
      b.header("Mcp-Session-Id", sid);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("the proxy did not listen on port " + port);
  }
}
