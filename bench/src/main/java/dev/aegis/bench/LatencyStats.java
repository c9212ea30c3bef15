package dev.aegis.bench;

import java.util.Arrays;

/** Percentiles of a set of round-trip times, in microseconds (nearest-rank definition). */
record LatencyStats(
    int count, double p50Us, double p99Us, double p999Us, double meanUs, double maxUs) {

  /** Summarises round-trip times given in nanoseconds; the array is not modified. */
  static LatencyStats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("nanos: empty (expected: at least one sample)");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long n : sorted) {
      sum += n;
    }
    return new LatencyStats(
        sorted.length,
        micros(rank(sorted, 0.50)),
        micros(rank(sorted, 0.99)),
        micros(rank(sorted, 0.999)),
        sum / sorted.length / 1_000.0,
        micros(sorted[sorted.length - 1]));
  }

  /** The smallest sample such that at least {@code p} of all samples are at or below it. */
  static long rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double micros(long nanos) {
    return nanos / 1_000.0;
  }
}
