package dev.aegis.core.chain;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Append-only storage of sealed chains, keyed by (tenant, session, seq).
 *
 * <p>Threading: every method is safe to call from any thread. {@link #append} never blocks the
 * caller on I/O; appends of one session complete in submission order, and are group-committed.
 */
public interface ChainStore extends AutoCloseable {

  /**
   * Queues a record; the future completes once the record is durable under the store's {@link
   * Durability}, or fails with {@link ChainStoreException} ({@code CHAIN_CONFLICT} if the chain
   * already has that seq or its head does not match {@code prevHash}; {@code STORE_UNAVAILABLE} on
   * I/O failure). Records of one session must be appended in seq order.
   */
  CompletableFuture<Void> append(ChainRecord record);

  /** The last stored event of a chain, if the chain exists. Blocking. */
  Optional<ChainHead> head(String tenantId, String sessionId);

  /**
   * Streams a chain's rows in ascending seq order, exactly as stored (not verified). Blocking; the
   * consumer runs on the calling thread.
   */
  void read(String tenantId, String sessionId, Consumer<ChainRecord> sink);

  /** Chains in the store, optionally of one tenant (null for all), ordered by first event time. */
  List<SessionSummary> sessions(String tenantId);

  /** A description safe to print: kind and location without credentials. */
  String describe();

  /** The durability this store commits with. */
  Durability durability();

  /** Flushes queued appends (waiting for them) and releases resources. */
  @Override
  void close();
}
