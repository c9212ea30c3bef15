package dev.aegis.core.metrics;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A chain store that reports how long each append takes to become durable (group commit included)
 * and counts the appends queued but not durable yet (the sealing queue). Same threading and failure
 * contract as the store it wraps; the store itself stays the one to hand to {@code
 * ChainStores.approvals} and {@code ChainStores.pins}.
 */
public final class MeteredChainStore implements ChainStore {
  private final ChainStore store;
  private final ProxyMetrics metrics;
  private final AtomicLong queued = new AtomicLong();

  /** Wraps {@code store}. */
  public MeteredChainStore(ChainStore store, ProxyMetrics metrics) {
    this.store = requireNonNull(store, "store");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  @Override
  public CompletableFuture<Void> append(ChainRecord record) {
    long start = System.nanoTime();
    queued.incrementAndGet();
    CompletableFuture<Void> durable;
    try {
      durable = store.append(record);
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
    return durable.whenComplete(
        (v, err) -> {
          queued.decrementAndGet();
          metrics.committed(err == null, System.nanoTime() - start);
        });
  }

  /** Appends submitted through this store and not yet durable or failed (any thread). */
  public long queued() {
    return queued.get();
  }

  @Override
  public Optional<ChainHead> head(String tenantId, String sessionId) {
    return store.head(tenantId, sessionId);
  }

  @Override
  public void read(String tenantId, String sessionId, Consumer<ChainRecord> sink) {
    store.read(tenantId, sessionId, sink);
  }

  @Override
  public List<SessionSummary> sessions(String tenantId) {
    return store.sessions(tenantId);
  }

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public Durability durability() {
    return store.durability();
  }

  @Override
  public void close() {
    store.close();
  }
}
