package dev.aegis.cli.replay;

import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A chain store that only keeps the records of one replayed chain in memory: appends complete at
 * once, so a replayed session never waits for a disk. Thread-safe (every method synchronized);
 * {@link #awaitSizeOrIdle} lets the replay driver wait for the session's asynchronous work.
 */
final class MemoryChainStore implements ChainStore {
  private final List<ChainRecord> records = new ArrayList<>();

  @Override
  public synchronized CompletableFuture<Void> append(ChainRecord record) {
    if (record.seq() != records.size()) {
      return CompletableFuture.failedFuture(
          new ChainStoreException(
              ChainStoreException.Reason.CHAIN_CONFLICT,
              "seq " + record.seq() + " appended at " + records.size(),
              null));
    }
    records.add(record);
    notifyAll();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized Optional<ChainHead> head(String tenantId, String sessionId) {
    if (records.isEmpty()) {
      return Optional.empty();
    }
    ChainRecord last = records.get(records.size() - 1);
    return Optional.of(new ChainHead(last.seq(), last.hash(), last.tsUnixMs()));
  }

  @Override
  public void read(String tenantId, String sessionId, Consumer<ChainRecord> sink) {
    snapshot().forEach(sink);
  }

  /** The records appended so far, in seq order. */
  synchronized List<ChainRecord> snapshot() {
    return List.copyOf(records);
  }

  /** How many records were appended. */
  synchronized int size() {
    return records.size();
  }

  /**
   * Waits until at least {@code size} records are kept, or no record was appended for {@code
   * idleMillis}; true if the size was reached.
   */
  synchronized boolean awaitSizeOrIdle(long size, long idleMillis) throws InterruptedException {
    while (records.size() < size) {
      int before = records.size();
      wait(idleMillis);
      if (records.size() == before) {
        return false;
      }
    }
    return true;
  }

  /**
   * The seq of the first MCP_FRAME at or after {@code from} whose body is {@code body}, or {@code
   * from} when there is none (a frame lands there, or shortly after when sealing interleaved).
   */
  synchronized long landing(long from, byte[] body) {
    for (int i = (int) from; i < records.size(); i++) {
      ChainRecord r = records.get(i);
      if (r.eventType().equals("MCP_FRAME") && Arrays.equals(r.body(), body)) {
        return i;
      }
    }
    return from;
  }

  @Override
  public List<SessionSummary> sessions(String tenantId) {
    return List.of();
  }

  @Override
  public String describe() {
    return "memory (replay)";
  }

  @Override
  public Durability durability() {
    return Durability.NORMAL;
  }

  @Override
  public void close() {
    // nothing held
  }
}
