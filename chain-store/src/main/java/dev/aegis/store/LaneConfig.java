package dev.aegis.store;

import java.time.Duration;

/**
 * Limits of one writer lane: how much may wait in its queue, how much one group commit takes, and
 * how long an appender blocks on a full queue before its append fails.
 */
record LaneConfig(
    int queueRecords, long queueBytes, int batchRecords, long batchBytes, Duration offerWait) {
  /** Enough for bursts of a busy proxy; a queue this deep means the database is not keeping up. */
  static final int QUEUE_RECORDS = 8192;

  /** Bounds the heap held by queued frame bodies. */
  static final long QUEUE_BYTES = 64L << 20;

  /** One group commit: large enough to amortise the sync, small enough to keep latency low. */
  static final int BATCH_RECORDS = 512;

  static final long BATCH_BYTES = 16L << 20;

  /** The longest an append blocks its caller on a full queue (backpressure, then fail closed). */
  static final Duration OFFER_WAIT = Duration.ofSeconds(5);

  static final LaneConfig DEFAULT =
      new LaneConfig(QUEUE_RECORDS, QUEUE_BYTES, BATCH_RECORDS, BATCH_BYTES, OFFER_WAIT);

  LaneConfig {
    positive("queueRecords", queueRecords);
    positive("queueBytes", queueBytes);
    positive("batchRecords", batchRecords);
    positive("batchBytes", batchBytes);
    if (offerWait.isNegative()) {
      throw new IllegalArgumentException("offerWait: " + offerWait + " (expected: >= 0)");
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
