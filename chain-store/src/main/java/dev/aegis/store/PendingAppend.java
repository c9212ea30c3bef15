package dev.aegis.store;

import dev.aegis.core.chain.ChainRecord;
import java.util.concurrent.CompletableFuture;

/** One queued append: the record and the future its appender waits on. */
record PendingAppend(ChainRecord record, CompletableFuture<Void> future) {
  /** Bookkeeping per queued record on top of its bytes, for the queue's byte budget. */
  private static final int OVERHEAD = 256;

  PendingAppend(ChainRecord record) {
    this(record, new CompletableFuture<>());
  }

  /** Approximate heap held while queued. */
  long bytes() {
    return OVERHEAD + record.sealed().length + (record.body() == null ? 0 : record.body().length);
  }

  @Override
  public String toString() {
    return "PendingAppend[" + record + "]";
  }
}
