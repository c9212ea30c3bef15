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
 * <p>{@code --events N} records at least N events instead (a call seals {@value #EVENTS_PER_CALL}:
 * both frames, TOOL_CALL_PROPOSED, POLICY_DECISION, TOOL_CALL_ALLOWED, TOOL_CALL_EXECUTED,
 * TOOL_RESULT), sending up to {@code --window} calls at once (default 1: one in flight) so that a
 * million-event chain records in minutes. The same chain is then also checked by {@code aegisctl
 * verify} (timed the same way). {@code --keep} keeps the store and prints its path, for {@code
 * VerifySpeed --chain}.
 *
 * <p>Usage: {@code java -cp 'bench/target/lib/*' dev.aegis.bench.ReplayBench [--calls N | --events
 * N] [--window W] [--keep]}
 */
public final class ReplayBench {
  /** Events one echo call seals in audit mode with the bench manifest. */
  static final int EVENTS_PER_CALL = 7;

  private ReplayBench() {}

  /** Runs the measurement; exits 1 if the replay is not identical or a step fails. */
  public static void main(String[] args) throws Exception {
    int calls = 20_000;
    int window = 1;
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--events" ->
            calls = (int) Math.ceil(Long.parseLong(args[++i]) / (double) EVENTS_PER_CALL);
        case "--window" -> window = Integer.parseInt(args[++i]);
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
      record(peer, requests, calls, window);
    }
    double recordS = (System.nanoTime() - t0) / 1e9;
    Path aegisctl = launchers.proxy().resolveSibling("aegisctl");
    String sessions =
        run(List.of(aegisctl.toString(), "sessions", "--store", "sqlite:" + store, "--json"));
    long events = eventsOf(sessions);
    long v0 = System.nanoTime();
    String verified = run(launchers.verify(store, session));
    double verifyS = (System.nanoTime() - v0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "aegisctl verify of %d events in %.2f s (JVM start included): %.0f events/s%n",
        events,
        verifyS,
        events / verifyS);
    if (!verified.toLowerCase(Locale.ROOT).contains("valid")) {
      System.out.println("verify said: " + verified);
    }
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

  /**
   * Sends {@code calls} echo calls with up to {@code window} in flight (a sender thread; answers
   * are read and checked here, in order). Throws if an answer is wrong or the peer fails.
   */
  private static void record(StdioPeer peer, EchoRequests requests, int calls, int window)
      throws Exception {
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(window);
    java.util.concurrent.atomic.AtomicReference<Exception> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread sender =
        new Thread(
            () -> {
              try {
                for (long id = 1; id <= calls; id++) {
                  slots.acquire();
                  peer.send(requests.call(id));
                }
              } catch (Exception e) {
                failed.set(e);
              }
            },
            "replay-bench-sender");
    sender.setDaemon(true);
    sender.start();
    for (long id = 1; id <= calls; id++) {
      requests.check(id, peer.receive());
      slots.release();
    }
    sender.join();
    if (failed.get() != null) {
      throw failed.get();
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
