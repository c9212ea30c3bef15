package dev.aegis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Replay throughput: records one long session through {@code bin/aegis-proxy} (audit mode, the
 * {@link EchoServer}, {@code --calls} echo calls), then times {@code bin/aegisctl replay} of it in
 * exact mode and prints events per second. The figure includes aegisctl's JVM start and the read of
 * the chain, so it is a floor for long sessions. Reported, never asserted. Single-threaded.
 *
 * <p>Usage: {@code java -cp 'bench/target/lib/*' dev.aegis.bench.ReplayBench [--calls N] [--keep]}
 */
public final class ReplayBench {
  private ReplayBench() {}

  /** Runs the measurement; exits 1 if the replay is not identical or a step fails. */
  public static void main(String[] args) throws Exception {
    int calls = 20_000;
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--keep" -> keep = true;
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("aegis-replay-bench");
    Path store = dir.resolve("chain.db");
    Launchers launchers = Launchers.forThisJvm(null);
    String session = "replay-bench";
    EchoRequests requests = new EchoRequests(100);
    long t0 = System.nanoTime();
    try (StdioPeer peer =
        StdioPeer.start(
            "aegis-proxy", launchers.proxied(store, "normal", session), dir.resolve("proxy.log"))) {
      peer.handshake();
      for (long id = 1; id <= calls; id++) {
        peer.send(requests.call(id));
        requests.check(id, peer.receive());
      }
    }
    double recordS = (System.nanoTime() - t0) / 1e9;
    Path aegisctl = launchers.proxy().resolveSibling("aegisctl");
    String sessions =
        run(List.of(aegisctl.toString(), "sessions", "--store", "sqlite:" + store, "--json"));
    long events = eventsOf(sessions);
    List<String> replay =
        new ArrayList<>(
            List.of(
                aegisctl.toString(),
                "replay",
                "--store",
                "sqlite:" + store,
                "--session",
                session,
                "--manifest",
                store.resolveSibling("bench-manifest.json").toString(),
                "--json"));
    long t1 = System.nanoTime();
    String report = run(replay);
    double replayS = (System.nanoTime() - t1) / 1e9;
    boolean identical = report.contains("\"identical\":true");
    System.out.printf(
        Locale.ROOT,
        "recorded %d calls (%d events) in %.1f s; exact replay %s in %.2f s: %.0f events/s%n",
        calls,
        events,
        recordS,
        identical ? "identical" : "NOT identical",
        replayS,
        events / replayS);
    if (!keep) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } else {
      System.out.println("kept " + dir);
    }
    if (!identical) {
      System.out.println(report.length() > 2000 ? report.substring(0, 2000) : report);
      System.exit(1);
    }
  }

  private static long eventsOf(String sessionsJson) {
    int at = sessionsJson.indexOf("\"events\":");
    if (at < 0) {
      throw new IllegalStateException("no event count in: " + sessionsJson);
    }
    int end = at + 9;
    while (end < sessionsJson.length() && Character.isDigit(sessionsJson.charAt(end))) {
      end++;
    }
    return Long.parseLong(sessionsJson.substring(at + 9, end));
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(3600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + Launchers.display(command));
    }
    return out;
  }
}
