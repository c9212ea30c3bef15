package dev.aegis.bench;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The three ways a run issues calls. Every loop is bounded by its call count; a hung peer is killed
 * by the caller's watchdog, which turns a blocked read into an error.
 */
final class Workloads {
  private Workloads() {}

  /** Measured round-trip times (ns) and the wall time (ns) of the measured part. */
  record Sample(long[] nanos, long elapsedNanos) {
    double callsPerSecond() {
      return nanos.length * 1e9 / elapsedNanos;
    }
  }

  /** One call in flight: {@code warmup} discarded calls, then {@code calls} measured ones. */
  static Sample sequential(StdioPeer peer, EchoRequests requests, int warmup, int calls)
      throws IOException {
    long id = 1;
    for (int i = 0; i < warmup; i++) {
      roundTrip(peer, requests, id++);
    }
    long[] nanos = new long[calls];
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      nanos[i] = roundTrip(peer, requests, id++);
    }
    return new Sample(nanos, System.nanoTime() - start);
  }

  /**
   * One thread per peer, each sequential; all warm up first, then start measuring together.
   * Throughput is all measured calls over the time from the common start to the last finish.
   */
  static Sample sessions(
      List<StdioPeer> peers, EchoRequests requests, int warmup, int calls, Duration timeout)
      throws IOException, InterruptedException {
    int k = peers.size();
    CountDownLatch ready = new CountDownLatch(k);
    CountDownLatch go = new CountDownLatch(1);
    AtomicBoolean aborted = new AtomicBoolean();
    long[][] nanos = new long[k][];
    long[] ends = new long[k];
    ExecutorService pool = Executors.newFixedThreadPool(k, r -> daemon(r, "bench-session"));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int s = 0; s < k; s++) {
        int index = s;
        StdioPeer peer = peers.get(s);
        done.add(
            pool.submit(
                () -> {
                  boolean counted = false;
                  try {
                    long id = 1;
                    for (int i = 0; i < warmup; i++) {
                      roundTrip(peer, requests, id++);
                    }
                    ready.countDown();
                    counted = true;
                    if (!go.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || aborted.get()) {
                      return null; // another session failed and reports why
                    }
                    long[] mine = new long[calls];
                    for (int i = 0; i < calls; i++) {
                      mine[i] = roundTrip(peer, requests, id++);
                    }
                    ends[index] = System.nanoTime();
                    nanos[index] = mine;
                    return null;
                  } catch (Exception e) {
                    aborted.set(true);
                    if (!counted) {
                      ready.countDown();
                    }
                    throw e;
                  }
                }));
      }
      boolean allReady = ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long begin = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        await(f, timeout);
      }
      if (!allReady || aborted.get()) {
        throw new IOException("sessions did not all warm up within " + timeout);
      }
      long end = Long.MIN_VALUE;
      List<long[]> all = new ArrayList<>();
      for (int s = 0; s < k; s++) {
        end = Math.max(end, ends[s]);
        all.add(nanos[s]);
      }
      return new Sample(concat(all, k * calls), end - begin);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Up to {@code window} calls in flight on one peer: a writer thread sends, this thread reads. Ids
   * start at {@code firstId}; answers arrive in request order (one server, order kept).
   */
  static Sample pipelined(
      StdioPeer peer, EchoRequests requests, long firstId, int calls, int window, Duration timeout)
      throws IOException, InterruptedException {
    AtomicLongArray sentAt = new AtomicLongArray(calls);
    Semaphore slots = new Semaphore(window);
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer =
        daemon(
            () -> {
              try {
                for (int i = 0; i < calls; i++) {
                  byte[] frame = requests.call(firstId + i);
                  if (!slots.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("no answer freed a window slot within " + timeout);
                  }
                  sentAt.set(i, System.nanoTime());
                  peer.send(frame);
                }
              } catch (Throwable t) {
                writerFailure.set(t);
                peer.kill(); // unblocks the reader with end of stream
              }
            },
            "bench-pipelined-writer");
    long[] nanos = new long[calls];
    long start = System.nanoTime();
    writer.start();
    try {
      for (int i = 0; i < calls; i++) {
        byte[] answer = peer.receive();
        long now = System.nanoTime();
        slots.release();
        nanos[i] = now - sentAt.get(i);
        requests.check(firstId + i, answer);
      }
    } catch (IOException e) {
      Throwable w = writerFailure.get();
      if (w != null) {
        e.addSuppressed(w);
      }
      writer.interrupt();
      throw e;
    }
    long elapsed = System.nanoTime() - start;
    writer.join(timeout.toMillis());
    return new Sample(nanos, elapsed);
  }

  private static long roundTrip(StdioPeer peer, EchoRequests requests, long id) throws IOException {
    byte[] frame = requests.call(id);
    long t0 = System.nanoTime();
    peer.send(frame);
    byte[] answer = peer.receive();
    long t = System.nanoTime() - t0;
    requests.check(id, answer);
    return t;
  }

  private static void await(Future<?> f, Duration timeout)
      throws IOException, InterruptedException {
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException("session failed: " + c, c);
    } catch (TimeoutException e) {
      throw new InterruptedIOException("session did not finish within " + timeout);
    }
  }

  private static long[] concat(List<long[]> parts, int total) {
    long[] out = new long[total];
    int at = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
