package dev.aegis.store;

import dev.aegis.core.chain.ChainStoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between appenders and one writer thread, limited in records and in bytes.
 * Appenders block while it is full, up to a deadline; the writer takes whole batches. Thread-safe.
 */
final class AppendQueue {
  private final LaneConfig config;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<PendingAppend> items = new ArrayDeque<>();
  private long bytes;
  private boolean closed;

  AppendQueue(LaneConfig config) {
    this.config = config;
  }

  /**
   * Enqueues, waiting up to the configured time for room; false if there was none. A record larger
   * than the byte budget is admitted alone. Throws STORE_CLOSED once closed.
   */
  boolean offer(PendingAppend p) throws InterruptedException {
    long nanos = config.offerWait().toNanos();
    lock.lockInterruptibly();
    try {
      while (!closed && !hasRoomFor(p)) {
        if (nanos <= 0) {
          return false;
        }
        nanos = notFull.awaitNanos(nanos);
      }
      if (closed) {
        throw new ChainStoreException(ChainStoreException.Reason.STORE_CLOSED, "store is closed");
      }
      items.add(p);
      bytes += p.bytes();
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean hasRoomFor(PendingAppend p) {
    return items.isEmpty()
        || (items.size() < config.queueRecords() && bytes + p.bytes() <= config.queueBytes());
  }

  /**
   * Takes the next batch (at least one append, within the batch limits), waiting for the first;
   * empty once the queue is closed and drained.
   */
  List<PendingAppend> take() throws InterruptedException {
    lock.lock();
    try {
      while (items.isEmpty()) {
        if (closed) {
          return List.of();
        }
        notEmpty.await();
      }
      List<PendingAppend> batch = new ArrayList<>();
      long size = 0;
      while (!items.isEmpty()
          && batch.size() < config.batchRecords()
          && (batch.isEmpty() || size + items.peek().bytes() <= config.batchBytes())) {
        PendingAppend p = items.poll();
        size += p.bytes();
        batch.add(p);
      }
      bytes -= size;
      notFull.signalAll();
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses further offers (waiting appenders fail with STORE_CLOSED); queued ones are kept. */
  void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
