package dev.aegis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * K concurrent MCP sessions over Streamable HTTP, each on its own thread and connection doing a
 * bounded number of sequential {@code tools/call}s: every session first does its handshake and
 * warm-up calls, then all start their measured calls together. Throughput is all measured calls
 * over the time from that common start to the last session's finish. Every answer must equal {@link
 * HttpMcpClient#expected}; a mismatch, an HTTP error or the deadline fails the run.
 */
final class HttpConcurrent {
  private HttpConcurrent() {}

  /** Throughput and per-call latency of one concurrent run. */
  record Result(int sessions, int calls, double seconds, LatencyStats latency) {
    double callsPerSecond() {
      return sessions * (double) calls / seconds;
    }
  }

  /** Runs {@code sessions} sessions against {@code url}; throws if any fails or time runs out. */
  static Result run(String url, int sessions, int calls, int warmup, long timeoutSeconds)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(sessions);
    CountDownLatch ready = new CountDownLatch(sessions);
    CountDownLatch go = new CountDownLatch(1);
    long[][] nanos = new long[sessions][calls];
    long[] ends = new long[sessions];
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int s = 0; s < sessions; s++) {
        int k = s;
        done.add(
            threads.submit(
                () -> {
                  HttpMcpClient c = HttpMcpClient.open(url);
                  for (int i = 1; i <= warmup; i++) {
                    check(i, c.call(i));
                  }
                  ready.countDown();
                  go.await();
                  for (int i = 0; i < calls; i++) {
                    long id = warmup + 1L + i;
                    long t0 = System.nanoTime();
                    String answer = c.call(id);
                    nanos[k][i] = System.nanoTime() - t0;
                    check(id, answer);
                  }
                  ends[k] = System.nanoTime();
                  return null;
                }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (!ready.await(100, TimeUnit.MILLISECONDS)) {
        for (Future<?> f : done) {
          if (f.isDone()) {
            f.get(); // a session that failed before the start: report why
          }
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("sessions not ready within " + timeoutSeconds + " s");
        }
      }
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      long end = 0;
      for (long e : ends) {
        end = Math.max(end, e);
      }
      long[] all = new long[sessions * calls];
      for (int s = 0; s < sessions; s++) {
        System.arraycopy(nanos[s], 0, all, s * calls, calls);
      }
      return new Result(sessions, calls, (end - start) / 1e9, LatencyStats.ofNanos(all));
    } finally {
      threads.shutdownNow();
    }
  }

  private static void check(long id, String answer) {
    if (!answer.equals(HttpMcpClient.expected(id))) {
      throw new IllegalStateException("answer to call " + id + " differs: " + answer);
    }
  }
}
