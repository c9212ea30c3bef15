package dev.aegis.core.checkpoint;

import java.util.List;

/**
 * Where checkpoints are kept, outside the append-only events so that truncating events leaves them
 * behind. Append-only: a checkpoint is never changed or removed.
 *
 * <p>Threading: thread-safe; every method blocks on the database. Failures: an unreachable store or
 * a refused statement throws {@link dev.aegis.core.chain.ChainStoreException}.
 */
public interface CheckpointStore {
  /** Stores a checkpoint; storing the identical one again is a no-op, a different one fails. */
  void put(Checkpoint checkpoint);

  /** The checkpoints of a chain in ascending seq order. */
  List<Checkpoint> list(String tenantId, String sessionId);

  /** Every checkpoint of a tenant (null: all tenants), by tenant, session and seq. */
  List<Checkpoint> all(String tenantId);
}
