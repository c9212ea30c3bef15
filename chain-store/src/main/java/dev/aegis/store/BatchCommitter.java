package dev.aegis.store;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.store.HeadCache.Head;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes one batch of appends in one transaction, checking every record against its chain's head
 * inside that transaction: a record that would fork or gap a chain is failed with CHAIN_CONFLICT
 * and left out, and the rest of the batch still commits. Confined to its writer thread.
 */
final class BatchCommitter {
  private final Database db;
  private final HeadCache heads;

  BatchCommitter(Database db, HeadCache heads) {
    this.db = db;
    this.heads = heads;
  }

  /**
   * Commits every record that links onto its chain; returns, aligned with the batch, null for a
   * committed record or its CHAIN_CONFLICT. Throws SQLException when the transaction failed as a
   * whole (nothing of it committed); the head cache is then cleared.
   */
  ChainStoreException[] commit(Connection c, List<ChainRecord> batch) throws SQLException {
    ChainStoreException[] failed = new ChainStoreException[batch.size()];
    try {
      while (true) {
        db.begin(c);
        Map<ChainKey, Head> local = new HashMap<>();
        int clash = attempt(c, batch, failed, local);
        if (clash < 0) {
          db.commit(c);
          heads.putAll(local);
          return failed;
        }
        // Another writer stored this seq since we read the head: retry the rest without it.
        db.rollback(c);
        ChainRecord r = batch.get(clash);
        failed[clash] = conflict(r, "seq " + r.seq() + " was stored by another writer first");
        heads.remove(ChainKey.of(r));
      }
    } catch (SQLException | RuntimeException e) {
      heads.clear();
      rollbackQuietly(c, e);
      throw e;
    }
  }

  /** Checks and inserts; returns the index of a record whose key already existed, or -1. */
  private int attempt(
      Connection c,
      List<ChainRecord> batch,
      ChainStoreException[] failed,
      Map<ChainKey, Head> local)
      throws SQLException {
    List<Integer> linked = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (failed[i] != null) {
        continue;
      }
      ChainRecord r = batch.get(i);
      ChainKey key = ChainKey.of(r);
      Head head = local.get(key);
      boolean cached = false;
      if (head == null) {
        head = heads.get(key);
        cached = head != null;
        head = cached ? head : readHead(c, key);
      }
      String problem = linkProblem(head, r);
      if (problem != null && cached) {
        head = readHead(c, key); // the cache may lag behind another writer: ask the database
        problem = linkProblem(head, r);
      }
      if (problem != null) {
        failed[i] = conflict(r, problem);
        local.put(key, head);
        continue;
      }
      local.put(key, new Head(r.seq(), r.hash()));
      linked.add(i);
    }
    return insert(c, batch, linked);
  }

  private int insert(Connection c, List<ChainRecord> batch, List<Integer> linked)
      throws SQLException {
    if (linked.isEmpty()) {
      return -1;
    }
    try (PreparedStatement ps = c.prepareStatement(ChainSql.INSERT_EVENT)) {
      for (int i : linked) {
        ChainSql.bindEvent(ps, batch.get(i));
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int j = 0; j < counts.length; j++) {
        if (counts[j] == 0) {
          return linked.get(j);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(ChainSql.INSERT_BODY)) {
      boolean any = false;
      for (int i : linked) {
        if (batch.get(i).body() != null) {
          ChainSql.bindBody(ps, batch.get(i));
          ps.addBatch();
          any = true;
        }
      }
      if (any) {
        ps.executeBatch();
      }
    }
    return -1;
  }

  private static Head readHead(Connection c, ChainKey key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ChainSql.HEAD)) {
      ps.setString(1, key.tenantId());
      ps.setString(2, key.sessionId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : Head.EMPTY;
      }
    }
  }

  /** Why the record cannot follow the head, or null if it links on. */
  static String linkProblem(Head head, ChainRecord r) {
    String at = head.seq() < 0 ? "the chain is empty" : "the stored head is seq " + head.seq();
    if (r.seq() <= head.seq()) {
      return "seq " + r.seq() + " is already stored (" + at + ")";
    }
    if (r.seq() != head.seq() + 1) {
      return "seq " + r.seq() + " would leave a gap (" + at + ")";
    }
    if (!Objects.equals(r.prevHash(), head.hash())) {
      return head.hash() == null
          ? "seq 0 must have no prev_hash"
          : "prev_hash does not match the hash of stored seq " + head.seq();
    }
    return null;
  }

  static ChainStoreException conflict(ChainRecord r, String problem) {
    return new ChainStoreException(
        ChainStoreException.Reason.CHAIN_CONFLICT,
        "chain conflict on "
            + r.tenantId()
            + "/"
            + r.sessionId()
            + " seq "
            + r.seq()
            + ": "
            + problem
            + " (a second writer on this chain? refusing to fork it)");
  }

  private void rollbackQuietly(Connection c, Exception cause) {
    try {
      db.rollback(c);
    } catch (SQLException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
