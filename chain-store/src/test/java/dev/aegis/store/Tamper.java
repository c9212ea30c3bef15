package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Edits behind a store's back, as an attacker with database rights would, on the tamper target
 * chain acme/s of the contract suite. The append-only triggers must already be removed.
 */
final class Tamper {
  /** Selects one record of acme/s. */
  private static final String WHERE = " WHERE tenant_id = ? AND session_id = ? AND seq = ?";

  private Tamper() {}

  static void flipByte(Connection c, String table, String column, long seq) throws SQLException {
    byte[] bytes;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + WHERE)) {
      bindWhere(ps, 1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        bytes = rs.getBytes(1);
      }
    }
    bytes[bytes.length / 2] ^= 0x01;
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE " + table + " SET " + column + " = ?" + WHERE)) {
      ps.setBytes(1, bytes);
      bindWhere(ps, 2, seq);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  static void bumpLastChar(Connection c, String column, long seq) throws SQLException {
    String value;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM events" + WHERE)) {
      bindWhere(ps, 1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        value = rs.getString(1);
      }
    }
    char last = value.charAt(value.length() - 1);
    String changed = value.substring(0, value.length() - 1) + (char) (last == 'f' ? 'e' : last + 1);
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE events SET " + column + " = ?" + WHERE)) {
      ps.setString(1, changed);
      bindWhere(ps, 2, seq);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  static void update(Connection c, String statement, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(statement + WHERE)) {
      bindWhere(ps, 1, seq);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  static void deleteRow(Connection c, long seq) throws SQLException {
    for (String table : List.of("events", "bodies")) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + WHERE)) {
        bindWhere(ps, 1, seq);
        ps.executeUpdate();
      }
    }
  }

  /** Moves every row of acme/s at or after {@code from} by {@code by} (both tables). */
  static void shiftSeqs(Connection c, long from, long by) throws SQLException {
    for (String table : List.of("events", "bodies")) {
      String scope = " WHERE tenant_id = 'acme' AND session_id = 's' AND seq ";
      try (Statement s = c.createStatement()) {
        // In two steps, so that no intermediate row collides with a primary key.
        s.executeUpdate("UPDATE " + table + " SET seq = seq + 1000000" + scope + ">= " + from);
        s.executeUpdate(
            "UPDATE " + table + " SET seq = seq - " + (1000000 - by) + scope + ">= 1000000");
      }
    }
  }

  static void moveSeq(Connection c, long from, long to) throws SQLException {
    for (String table : List.of("events", "bodies")) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET seq = ?" + WHERE)) {
        ps.setLong(1, to);
        bindWhere(ps, 2, from);
        ps.executeUpdate();
      }
    }
  }

  private static void bindWhere(PreparedStatement ps, int first, long seq) throws SQLException {
    ps.setString(first, "acme");
    ps.setString(first + 1, "s");
    ps.setLong(first + 2, seq);
  }
}
