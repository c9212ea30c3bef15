package dev.aegis.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one mode: starts the peers (echo servers, directly or under {@code aegis-proxy} with a fresh
 * store), drives the workload under a watchdog, shuts the peers down and, for proxied modes,
 * verifies the chain. Used from one thread.
 */
final class ModeRunner implements AutoCloseable {
  private final E2eOptions options;
  private final Launchers launchers;
  private final Path work;
  private final EchoRequests requests;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-watchdog");
            t.setDaemon(true);
            return t;
          });

  ModeRunner(E2eOptions options, Launchers launchers, Path work) {
    this.options = options;
    this.launchers = launchers;
    this.work = work;
    this.requests = new EchoRequests(options.payloadBytes());
  }

  /** Runs the mode; failures are returned as a failed result, never thrown. */
  ModeResult run(Mode mode) {
    int k = mode.shape() == Mode.Shape.SESSIONS ? options.sessions() : 1;
    Path store = mode.proxied() ? work.resolve(mode.wireName() + ".db") : null;
    String storeText = store == null || !options.keepStores() ? null : store.toString();
    Path log = work.resolve(mode.wireName() + ".log");
    List<StdioPeer> peers = new CopyOnWriteArrayList<>();
    ScheduledFuture<?> kill =
        watchdog.schedule(
            () -> peers.forEach(StdioPeer::kill),
            options.timeout().toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      for (int i = 0; i < k; i++) {
        List<String> command =
            mode.proxied()
                ? launchers.proxied(store, mode.durability(), sessionId(mode, i))
                : launchers.echoServer();
        peers.add(StdioPeer.start(mode.wireName() + "#" + i, command, log));
      }
      for (StdioPeer p : peers) {
        p.handshake();
      }
      Workloads.Sample sample = workload(mode, peers);
      List<Integer> exits = new ArrayList<>();
      for (StdioPeer p : peers) {
        p.close();
        exits.add(p.exitCode());
      }
      kill.cancel(false);
      String verify = mode.proxied() && options.verify() ? verify(mode, store, k) : null;
      return ModeResult.measured(mode, k, sample, storeText, verify, exits);
    } catch (IOException | RuntimeException e) {
      peers.forEach(StdioPeer::kill);
      return ModeResult.failed(
          mode, k, storeText, describe(e, kill.isDone() && !kill.isCancelled(), log));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      peers.forEach(StdioPeer::kill);
      return ModeResult.failed(mode, k, storeText, "interrupted");
    } finally {
      kill.cancel(false);
    }
  }

  private Workloads.Sample workload(Mode mode, List<StdioPeer> peers)
      throws IOException, InterruptedException {
    switch (mode.shape()) {
      case SESSIONS:
        return Workloads.sessions(
            peers, requests, options.warmup(), options.calls(), options.timeout());
      case PIPELINED:
        StdioPeer peer = peers.get(0);
        if (options.warmup() > 0) {
          Workloads.pipelined(
              peer, requests, 1, options.warmup(), options.window(), options.timeout());
        }
        return Workloads.pipelined(
            peer,
            requests,
            1L + options.warmup(),
            options.pipelinedCalls(),
            options.window(),
            options.timeout());
      default:
        return Workloads.sequential(peers.get(0), requests, options.warmup(), options.calls());
    }
  }

  /** "valid" when {@code aegisctl verify} exits 0 for every session, else what it said. */
  private String verify(Mode mode, Path store, int sessions) throws InterruptedException {
    for (int i = 0; i < sessions; i++) {
      String session = sessionId(mode, i);
      List<String> command = launchers.verify(store, session);
      Path out = work.resolve(mode.wireName() + "-verify-" + i + ".txt");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "unknown: aegisctl verify timed out";
        }
        if (p.exitValue() != 0) {
          return (p.exitValue() == 1 ? "INVALID" : "unknown")
              + " ("
              + session
              + ", exit "
              + p.exitValue()
              + "): "
              + firstLine(out);
        }
      } catch (IOException e) {
        return "unknown: " + e.getMessage();
      }
    }
    return "valid";
  }

  static String sessionId(Mode mode, int index) {
    return "bench-" + mode.wireName() + "-" + index;
  }

  private static String describe(Exception e, boolean timedOut, Path log) {
    StringBuilder b = new StringBuilder();
    if (timedOut) {
      b.append("killed by the watchdog (--timeout); ");
    }
    b.append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
    for (Throwable s : e.getSuppressed()) {
      b.append("; also ").append(s);
    }
    String tail = tail(log, 15);
    if (!tail.isEmpty()) {
      b.append("\n  stderr of the peers (").append(log).append("), last lines:\n").append(tail);
    }
    return b.toString();
  }

  private static String firstLine(Path file) {
    List<String> lines = lines(file);
    return lines.isEmpty() ? "(no output)" : lines.get(0);
  }

  private static String tail(Path file, int n) {
    List<String> lines = lines(file);
    StringBuilder b = new StringBuilder();
    for (String l : lines.subList(Math.max(0, lines.size() - n), lines.size())) {
      b.append("    ").append(l).append('\n');
    }
    return b.toString();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
