package dev.aegis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Streamable HTTP overhead against {@link HttpEchoServer}, directly and through {@code
 * bin/aegis-proxy --listen} ({@code --durability normal}, audit mode as in {@link EndToEnd}), in
 * one run: sequential {@code tools/call} round trips of one session (p50/p99 and the proxy's added
 * latency; every proxied answer is compared with the direct one), then {@code --sessions} K
 * concurrent sessions (default 64) of {@code --session-calls} calls each (calls/s and the ratio
 * proxied/direct; see {@link HttpConcurrent}). Usage: {@code HttpEndToEnd [--calls N] [--warmup N]
 * [--sessions K] [--session-calls N] [--session-warmup N] [--timeout SECONDS] [--proxy PATH]};
 * {@code --sessions 0} skips the concurrent part; {@code --proxy} runs another build's {@code
 * bin/aegis-proxy} (before/after comparisons). Exit 0 when everything ran and every answer was
 * right, 1 otherwise, 2 on bad flags. Reported, never asserted.
 */
public final class HttpEndToEnd {
  private HttpEndToEnd() {}

  /** Runs both modes and prints the tables. */
  public static void main(String[] args) throws Exception {
    int calls = 2000;
    int warmup = 500;
    int sessions = 64;
    int sessionCalls = 200;
    int sessionWarmup = 20;
    long timeout = 600;
    Path proxyPath = null;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        usage();
      }
      if (args[i].equals("--proxy")) {
        proxyPath = Path.of(args[i + 1]);
        continue;
      }
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--calls" -> calls = v;
        case "--warmup" -> warmup = v;
        case "--sessions" -> sessions = v;
        case "--session-calls" -> sessionCalls = v;
        case "--session-warmup" -> sessionWarmup = v;
        case "--timeout" -> timeout = v;
        default -> usage();
      }
    }
    System.out.println("command: " + SystemInfo.commandLine(HttpEndToEnd.class.getName(), args));
    SystemInfo.describe().forEach((k, v) -> System.out.println(k + ": " + v));
    System.out.printf(
        "calls %d (warmup %d discarded), one session, one call in flight; then %d sessions × %d"
            + " calls (warmup %d each)%n%n",
        calls, warmup, sessions, sessionCalls, sessionWarmup);
    Path work = Files.createTempDirectory("aegis-http-bench-");
    Launchers launchers = Launchers.forThisJvm(proxyPath);
    int exit;
    try (HttpEchoServer upstream = new HttpEchoServer()) {
      List<String> direct = List.of();
      long[] directNanos = new long[0];
      int port = Ports.free();
      Process proxy =
          new ProcessBuilder(
                  launchers.listening(
                      work.resolve("chain.db"), port, List.of("--upstream", upstream.url())))
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("proxy.log").toFile())
              .start();
      try {
        String proxied = "http://127.0.0.1:" + port + "/mcp";
        Run d = sequential(upstream.url(), calls, warmup);
        Ports.await(port, proxy);
        Run p = sequential(proxied, calls, warmup);
        boolean same = d.answers().equals(p.answers());
        LatencyStats ds = LatencyStats.ofNanos(d.nanos());
        LatencyStats ps = LatencyStats.ofNanos(p.nanos());
        System.out.printf("%-10s %10s %10s%n", "mode", "p50 µs", "p99 µs");
        System.out.printf("%-10s %10.1f %10.1f%n", "direct", ds.p50Us(), ds.p99Us());
        System.out.printf("%-10s %10.1f %10.1f%n", "proxied", ps.p50Us(), ps.p99Us());
        System.out.printf(
            "added      %10.1f %10.1f   (×p50 %.2f)%n",
            ps.p50Us() - ds.p50Us(), ps.p99Us() - ds.p99Us(), ps.p50Us() / ds.p50Us());
        System.out.println("answers identical direct and proxied: " + same);
        if (sessions > 0) {
          HttpConcurrent.Result cd =
              HttpConcurrent.run(upstream.url(), sessions, sessionCalls, sessionWarmup, timeout);
          HttpConcurrent.Result cp =
              HttpConcurrent.run(proxied, sessions, sessionCalls, sessionWarmup, timeout);
          System.out.printf(
              "%n%d concurrent sessions × %d calls%n%-10s %10s %10s %10s%n",
              sessions, sessionCalls, "mode", "calls/s", "p50 µs", "p99 µs");
          for (var r : List.of(cd, cp)) {
            System.out.printf(
                "%-10s %10.0f %10.1f %10.1f%n",
                r == cd ? "direct" : "proxied",
                r.callsPerSecond(),
                r.latency().p50Us(),
                r.latency().p99Us());
          }
          System.out.printf(
              "throughput ratio proxied/direct: %.2f (target ≥ 0.9)%n",
              cp.callsPerSecond() / cd.callsPerSecond());
        }
        exit = same ? 0 : 1;
      } finally {
        proxy.destroy();
        proxy.waitFor();
      }
    }
    System.exit(exit);
  }

  private static void usage() {
    System.err.println(
        "usage: HttpEndToEnd [--calls N] [--warmup N] [--sessions K] [--session-calls N]"
            + " [--session-warmup N] [--timeout SECONDS] [--proxy PATH]");
    System.exit(2);
  }

  private record Run(long[] nanos, List<String> answers) {}

  /** One session: warmup + measured calls, one in flight; the measured answers are kept. */
  private static Run sequential(String url, int calls, int warmup) throws Exception {
    HttpMcpClient c = HttpMcpClient.open(url);
    long[] nanos = new long[calls];
    String[] answers = new String[calls];
    for (int i = 0; i < warmup + calls; i++) {
      long t0 = System.nanoTime();
      String answer = c.call(i + 1);
      long t = System.nanoTime() - t0;
      if (i >= warmup) {
        nanos[i - warmup] = t;
        answers[i - warmup] = answer;
      }
    }
    return new Run(nanos, List.of(answers));
  }
}
