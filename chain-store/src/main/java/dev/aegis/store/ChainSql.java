package dev.aegis.store;

import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.SessionSummary;
import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The SQL shared by both dialects and the row mappings; stateless. */
final class ChainSql {
  static final String HEAD =
      "SELECT seq, hash, ts_unix_ms FROM events WHERE tenant_id = ? AND session_id = ?"
          + " ORDER BY seq DESC LIMIT 1";

  static final String READ =
      "SELECT e.tenant_id, e.session_id, e.seq, e.ts_unix_ms, e.event_type, e.user_id,"
          + " e.prev_hash, e.hash, e.sealed, b.body FROM events e LEFT JOIN bodies b"
          + " ON b.tenant_id = e.tenant_id AND b.session_id = e.session_id AND b.seq = e.seq"
          + " WHERE e.tenant_id = ? AND e.session_id = ? ORDER BY e.seq";

  /** A duplicate key is not an error here: the writer reads the update count to see it. */
  static final String INSERT_EVENT =
      "INSERT INTO events (tenant_id, session_id, seq, ts_unix_ms, event_type, user_id,"
          + " prev_hash, hash, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

  static final String INSERT_BODY =
      "INSERT INTO bodies (tenant_id, session_id, seq, body) VALUES (?, ?, ?, ?)";

  private static final String SESSIONS =
      "SELECT e.tenant_id, e.session_id, c.n, c.first_ts, e.ts_unix_ms, e.event_type FROM"
          + " (SELECT tenant_id, session_id, COUNT(*) AS n, MIN(ts_unix_ms) AS first_ts,"
          + " MAX(seq) AS last_seq FROM events %s GROUP BY tenant_id, session_id) c"
          + " JOIN events e ON e.tenant_id = c.tenant_id AND e.session_id = c.session_id"
          + " AND e.seq = c.last_seq ORDER BY c.first_ts, e.tenant_id, e.session_id";

  private ChainSql() {}

  static String sessions(boolean oneTenant) {
    return String.format(SESSIONS, oneTenant ? "WHERE tenant_id = ?" : "");
  }

  static void bindEvent(PreparedStatement ps, ChainRecord r) throws SQLException {
    ps.setString(1, r.tenantId());
    ps.setString(2, r.sessionId());
    ps.setLong(3, r.seq());
    ps.setLong(4, r.tsUnixMs());
    ps.setString(5, r.eventType());
    ps.setString(6, r.userId());
    ps.setString(7, r.prevHash());
    ps.setString(8, r.hash());
    ps.setBytes(9, r.sealed());
  }

  static void bindBody(PreparedStatement ps, ChainRecord r) throws SQLException {
    ps.setString(1, r.tenantId());
    ps.setString(2, r.sessionId());
    ps.setLong(3, r.seq());
    ps.setBytes(4, r.body());
  }

  /**
   * The message of a failure, safe to log: for a batch, the cause's message (drivers may put the
   * statement with its parameters, i.e. frame contents, in the batch exception's own message).
   */
  static String message(SQLException e) {
    SQLException shown = e;
    if (e instanceof BatchUpdateException && e.getNextException() != null) {
      shown = e.getNextException();
    }
    return String.valueOf(shown.getMessage());
  }

  static ChainRecord record(ResultSet rs) throws SQLException {
    return new ChainRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getLong(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getBytes(9),
        rs.getBytes(10));
  }

  static ChainHead head(ResultSet rs) throws SQLException {
    return new ChainHead(rs.getLong(1), rs.getString(2), rs.getLong(3));
  }

  static SessionSummary summary(ResultSet rs) throws SQLException {
    return new SessionSummary(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getLong(4),
        rs.getLong(5),
        rs.getString(6));
  }
}
