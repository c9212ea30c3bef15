package dev.aegis.store;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.checkpoint.Checkpoint;
import dev.aegis.core.checkpoint.CheckpointStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code checkpoints} table of a chain store, over short-lived connections (a checkpoint every
 * N events: rare). Thread-safe; every call blocks.
 */
final class JdbcCheckpointStore implements CheckpointStore {
  private static final String COLUMNS =
      "SELECT tenant_id, session_id, seq, head_hash, ts_unix_ms, key_id, signature"
          + " FROM checkpoints";
  private static final String INSERT =
      "INSERT INTO checkpoints (tenant_id, session_id, seq, head_hash, ts_unix_ms, key_id,"
          + " signature, stored_unix_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

  private final Database db;

  JdbcCheckpointStore(Database db) {
    this.db = requireNonNull(db, "db");
  }

  @Override
  public void put(Checkpoint c) {
    requireNonNull(c, "checkpoint");
    boolean inserted =
        ShortLived.write(
            db,
            "store a checkpoint",
            tx -> {
              try (PreparedStatement ps = tx.prepareStatement(INSERT)) {
                ps.setString(1, c.tenantId());
                ps.setString(2, c.sessionId());
                ps.setLong(3, c.seq());
                ps.setString(4, c.headHash());
                ps.setLong(5, c.tsUnixMs());
                ps.setString(6, c.keyId());
                ps.setBytes(7, c.signature());
                ps.setLong(8, System.currentTimeMillis());
                return ps.executeUpdate() == 1;
              }
            });
    if (!inserted && !list(c.tenantId(), c.sessionId()).contains(c)) {
      throw new ChainStoreException(
          ChainStoreException.Reason.CHAIN_CONFLICT,
          "a different checkpoint is already stored at " + c.sessionId() + "#" + c.seq());
    }
  }

  @Override
  public List<Checkpoint> list(String tenantId, String sessionId) {
    requireNonNull(tenantId, "tenantId");
    requireNonNull(sessionId, "sessionId");
    return query(
        " WHERE tenant_id = ? AND session_id = ? ORDER BY seq", tenantId, sessionId, "list");
  }

  @Override
  public List<Checkpoint> all(String tenantId) {
    return tenantId == null
        ? query(" ORDER BY tenant_id, session_id, seq", null, null, "list all")
        : query(" WHERE tenant_id = ? ORDER BY session_id, seq", tenantId, null, "list all");
  }

  private List<Checkpoint> query(String where, String a, String b, String action) {
    return ShortLived.read(
        db,
        action + " checkpoints",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(COLUMNS + where)) {
            if (a != null) {
              ps.setString(1, a);
            }
            if (b != null) {
              ps.setString(2, b);
            }
            List<Checkpoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(row(rs));
              }
            }
            return out;
          }
        });
  }

  private static Checkpoint row(ResultSet rs) throws SQLException {
    return new Checkpoint(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getString(4),
        rs.getLong(5),
        rs.getString(6),
        rs.getBytes(7));
  }

  @Override
  public String toString() {
    return "checkpoints of " + db.describe();
  }
}
