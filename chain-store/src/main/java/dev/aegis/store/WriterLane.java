package dev.aegis.store;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One writer thread with its own connection: takes batches from its bounded queue, group-commits
 * each in one transaction, and hands the outcomes to the completion executor (so appenders'
 * callbacks never run on, or stall, the writer). {@link #append} is thread-safe; it blocks only
 * while the queue is full, for at most {@link LaneConfig#offerWait()}.
 */
final class WriterLane {
  private static final System.Logger LOG = System.getLogger(WriterLane.class.getName());
  private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long RECONNECT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Database db;
  private final AppendQueue queue;
  private final BatchCommitter committer;
  private final Executor completions;
  private final Thread thread;
  private Connection conn;
  private long lastUsedNanos;
  private long reconnectAfterNanos;
  private SQLException lastConnectFailure;

  WriterLane(String name, Database db, LaneConfig config, Executor completions) {
    this.db = db;
    this.queue = new AppendQueue(config);
    this.committer = new BatchCommitter(db, new HeadCache(16_384));
    this.completions = completions;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  CompletableFuture<Void> append(ChainRecord record) {
    PendingAppend p = new PendingAppend(record);
    try {
      if (!queue.offer(p)) {
        p.future()
            .completeExceptionally(
                new ChainStoreException(
                    Reason.STORE_UNAVAILABLE,
                    "store "
                        + db.describe()
                        + ": append queue full, the database is not keeping up"));
      }
    } catch (ChainStoreException e) {
      p.future().completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.future()
          .completeExceptionally(
              new ChainStoreException(Reason.STORE_UNAVAILABLE, "interrupted while queueing", e));
    }
    return p.future();
  }

  /** Stops taking appends, writes what is queued, and waits for the writer thread to finish. */
  void close() {
    queue.close();
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      for (List<PendingAppend> batch = queue.take(); !batch.isEmpty(); batch = queue.take()) {
        write(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.log(Level.ERROR, "chain store writer interrupted: failing queued appends");
    } finally {
      // Normally the queue is closed and drained here; if the writer dies early, nobody waits.
      queue.close();
      failQueued();
      closeConnection();
    }
  }

  private void failQueued() {
    ChainStoreException stopped =
        new ChainStoreException(Reason.STORE_UNAVAILABLE, "chain store writer stopped");
    try {
      for (List<PendingAppend> batch = queue.take(); !batch.isEmpty(); batch = queue.take()) {
        complete(batch, filled(batch.size(), stopped));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // unreachable: a closed queue never waits
    }
  }

  /** Never throws: every append of the batch ends completed or failed. */
  private void write(List<PendingAppend> batch) {
    List<ChainRecord> records = batch.stream().map(PendingAppend::record).toList();
    ChainStoreException[] outcomes;
    try {
      outcomes = committer.commit(connection(), records);
      lastUsedNanos = System.nanoTime();
    } catch (SQLException e) {
      if (batch.size() > 1 && db.isDataError(e)) {
        batch.forEach(p -> write(List.of(p))); // one bad record must not fail the others
        return;
      }
      dropBrokenConnection();
      LOG.log(
          Level.WARNING,
          "chain store {0}: {1} appends failed: {2}",
          db.describe(),
          String.valueOf(batch.size()),
          ChainSql.message(e));
      outcomes = filled(batch.size(), db.failure("append", e));
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "chain store writer failed unexpectedly", e);
      outcomes =
          filled(batch.size(), new ChainStoreException(Reason.STORE_UNAVAILABLE, e.toString(), e));
    }
    complete(batch, outcomes);
  }

  private void complete(List<PendingAppend> batch, ChainStoreException[] outcomes) {
    completions.execute(
        () -> {
          for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] == null) {
              batch.get(i).future().complete(null);
            } else {
              batch.get(i).future().completeExceptionally(outcomes[i]);
            }
          }
        });
  }

  private static ChainStoreException[] filled(int n, ChainStoreException e) {
    ChainStoreException[] out = new ChainStoreException[n];
    Arrays.fill(out, e);
    return out;
  }

  private Connection connection() throws SQLException {
    long now = System.nanoTime();
    if (conn != null && now - lastUsedNanos > VALIDATE_AFTER_IDLE_NANOS && !conn.isValid(2)) {
      closeConnection(); // dropped while idle (server restart, proxy timeout): reconnect first
    }
    if (conn == null) {
      if (lastConnectFailure != null && now - reconnectAfterNanos < 0) {
        throw lastConnectFailure;
      }
      try {
        conn = db.connectWriter();
        lastConnectFailure = null;
      } catch (SQLException e) {
        lastConnectFailure = e;
        reconnectAfterNanos = now + RECONNECT_BACKOFF_NANOS;
        throw e;
      }
    }
    return conn;
  }

  private void dropBrokenConnection() {
    try {
      if (conn != null && !conn.isValid(2)) {
        closeConnection();
      }
    } catch (SQLException e) {
      closeConnection();
    }
  }

  private void closeConnection() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        LOG.log(Level.DEBUG, "closing writer connection: {0}", e.getMessage());
      }
      conn = null;
    }
  }
}
