package dev.aegis.cli.ctl;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Edits a SQLite chain store behind the store's back, as an attacker with file access would: drops
 * the append-only triggers, then runs SQL.
 */
final class Tamper implements AutoCloseable {
  private final Connection c;

  /** Opens the store file and drops its append-only triggers. */
  Tamper(Path db) throws SQLException {
    c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      for (String t :
          new String[] {
            "events_no_update",
            "events_no_delete",
            "bodies_no_update",
            "bodies_no_delete",
            "bodies_delete_only_redacted",
            "checkpoints_no_update",
            "checkpoints_no_delete"
          }) {
        s.execute("DROP TRIGGER IF EXISTS " + t);
      }
    }
  }

  /** Runs a statement with parameters; returns the update count. */
  int sql(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  /** Reads one blob or text column as bytes. */
  byte[] bytes(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row: " + sql);
        }
        return rs.getBytes(1);
      }
    }
  }

  /** Flips the low bit of one byte of the sealed bytes of a row. */
  void flipSealedByte(String session, long seq, int index) throws SQLException {
    byte[] sealed =
        bytes("SELECT sealed FROM events WHERE session_id = ? AND seq = ?", session, seq);
    sealed[index] ^= 1;
    sql("UPDATE events SET sealed = ? WHERE session_id = ? AND seq = ?", sealed, session, seq);
  }

  /** Swaps the seq keys of two rows of the events table (and their bodies). */
  void swap(String session, long a, long b) throws SQLException {
    for (String table : new String[] {"events", "bodies"}) {
      sql("UPDATE " + table + " SET seq = 1000000000 WHERE session_id = ? AND seq = ?", session, a);
      sql("UPDATE " + table + " SET seq = ? WHERE session_id = ? AND seq = ?", a, session, b);
      sql("UPDATE " + table + " SET seq = ? WHERE session_id = ? AND seq = 1000000000", b, session);
    }
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
