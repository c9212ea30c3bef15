package dev.aegis.store;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A chain store over JDBC: appends go to writer lanes (a chain always to the same lane, so its
 * appends commit in order), reads go to a small pool of read connections. Futures complete on one
 * completion thread, in commit order per lane. Thread-safe; subclasses supply the {@link Database}
 * and call {@link #start} once constructed.
 */
abstract class JdbcChainStore implements ChainStore, Database {
  private JdbcApprovalStore approvals;
  private final Durability durability;
  private final AtomicBoolean closed = new AtomicBoolean();
  private WriterLane[] lanes;
  private ReadPool reads;
  private ExecutorService completions;
  private volatile BodyCipher bodies = BodyCipher.NONE;

  JdbcChainStore(Durability durability) {
    this.durability = requireNonNull(durability, "durability");
  }

  /** Migrates the schema, then starts the lanes; closes what it started if anything fails. */
  final void start(int laneCount, int readConnections, LaneConfig config) {
    try (Connection c = connectWriter()) {
      Migrations.apply(c, this);
    } catch (SQLException e) {
      throw failure("open", e);
    }
    completions =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "aegis-store-completions");
              t.setDaemon(true);
              return t;
            });
    lanes = new WriterLane[laneCount];
    for (int i = 0; i < laneCount; i++) {
      lanes[i] = new WriterLane("aegis-store-writer-" + i, this, config, completions);
    }
    reads = new ReadPool(this, readConnections);
  }

  @Override
  public final CompletableFuture<Void> append(ChainRecord record) {
    requireNonNull(record, "record");
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new ChainStoreException(Reason.STORE_CLOSED, "store is closed"));
    }
    ChainRecord stored;
    try {
      stored = bodies.seal(record);
    } catch (ChainStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    ChainKey key = ChainKey.of(record);
    return lanes[Math.floorMod(key.hashCode(), lanes.length)].append(stored);
  }

  @Override
  public final Optional<ChainHead> head(String tenantId, String sessionId) {
    return reads.with(
        "head",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(ChainSql.HEAD)) {
            bindChain(ps, tenantId, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(ChainSql.head(rs)) : Optional.<ChainHead>empty();
            }
          }
        });
  }

  @Override
  public final void read(String tenantId, String sessionId, Consumer<ChainRecord> sink) {
    requireNonNull(sink, "sink");
    reads.with(
        "read",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(ChainSql.READ)) {
            ps.setFetchSize(fetchSize());
            bindChain(ps, tenantId, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                sink.accept(bodies.open(ChainSql.record(rs)));
              }
            }
          }
          return null;
        });
  }

  /** Encrypts bodies stored from now on with these keys (null: in clear), and reads with them. */
  final void bodyKeys(BodyKeys keys) {
    bodies = BodyCipher.of(keys);
  }

  /** How bodies are encrypted and opened; never null. */
  final BodyCipher bodies() {
    return bodies;
  }

  /**
   * The seqs of a chain whose stored bodies are encrypted under a key this store cannot use (never
   * given, or deleted: shredded). Blocking.
   */
  final List<Long> unreadableBodies(String tenantId, String sessionId) {
    BodyCipher cipher = bodies;
    return reads.with(
        "bodies",
        c -> {
          List<Long> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, body FROM bodies WHERE tenant_id = ? AND session_id = ?"
                      + " ORDER BY seq")) {
            ps.setFetchSize(fetchSize());
            bindChain(ps, tenantId, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                byte[] stored = rs.getBytes(2);
                if (!cipher.readable(tenantId, stored)) {
                  out.add(rs.getLong(1));
                }
              }
            }
          }
          return out;
        });
  }

  @Override
  public final List<SessionSummary> sessions(String tenantId) {
    return reads.with(
        "sessions",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(ChainSql.sessions(tenantId != null))) {
            if (tenantId != null) {
              ps.setString(1, tenantId);
            }
            List<SessionSummary> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(ChainSql.summary(rs));
              }
            }
            return out;
          }
        });
  }

  private static void bindChain(PreparedStatement ps, String tenantId, String sessionId)
      throws SQLException {
    ps.setString(1, requireNonNull(tenantId, "tenantId"));
    ps.setString(2, requireNonNull(sessionId, "sessionId"));
  }

  @Override
  public final Durability durability() {
    return durability;
  }

  /** Writes everything queued, completes its futures, then releases the connections. */
  @Override
  public final void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (lanes != null) {
      for (WriterLane lane : lanes) {
        lane.close();
      }
    }
    afterWritersClosed();
    if (completions != null) {
      completions.shutdown();
      awaitCompletions();
    }
    if (reads != null) {
      reads.close();
    }
    synchronized (this) {
      if (approvals != null) {
        approvals.close();
      }
    }
  }

  /** The approvals table of this store's database, opened on first use and closed with it. */
  final synchronized JdbcApprovalStore approvals() {
    if (approvals == null) {
      approvals = new JdbcApprovalStore(this);
    }
    return approvals;
  }

  /** Hook for dialect housekeeping once every queued record is committed; no-op by default. */
  void afterWritersClosed() {}

  private void awaitCompletions() {
    try {
      completions.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public final String toString() {
    return describe();
  }
}
