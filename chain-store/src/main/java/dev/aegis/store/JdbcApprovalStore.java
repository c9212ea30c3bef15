package dev.aegis.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.approval.ApprovalStatus;
import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code approvals} table of a chain store's database. Each operation runs in its own short
 * transaction on one lazily opened connection (reopened after a failure); state changes are single
 * conditional UPDATEs, so concurrent deciders and consumers in other processes race safely.
 * Thread-safe (operations are serialised).
 */
final class JdbcApprovalStore implements ApprovalStore {
  private static final String COLUMNS =
      "token, tenant_id, session_id, call_id, tool_name, args, args_sha256, proposal_seq,"
          + " created_unix_ms, expires_unix_ms, status, decided_by, decided_unix_ms, edited_args,"
          + " message, used_unix_ms";

  private final Database db;
  private Connection conn;

  JdbcApprovalStore(Database db) {
    this.db = db;
  }

  /**
   * One transaction on the cached connection (kept because held calls poll): the database's own
   * begin/commit/rollback; after a failure the connection is dropped and reopened next time.
   */
  private synchronized <T> T inTransaction(String action, ReadPool.Work<T> work) {
    try {
      if (conn == null) {
        conn = db.connectWriter();
      }
      return db.inTransaction(conn, work);
    } catch (SQLException e) {
      close();
      throw db.failure(action, e);
    }
  }

  @Override
  public void create(ApprovalRecord r) {
    inTransaction(
        "storing approval request",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO approvals ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.token());
            ps.setString(2, r.tenantId());
            ps.setString(3, r.sessionId());
            ps.setString(4, r.callId());
            ps.setString(5, r.toolName());
            ps.setString(6, Json.write(r.args()));
            ps.setString(7, r.argsSha256());
            ps.setLong(8, r.proposalSeq());
            ps.setLong(9, r.createdUnixMs());
            ps.setLong(10, r.expiresUnixMs());
            ps.setString(11, r.status().wireName());
            ps.setString(12, r.decidedBy());
            ps.setLong(13, r.decidedUnixMs());
            ps.setString(14, r.editedArgs() == null ? null : Json.write(r.editedArgs()));
            ps.setString(15, r.message());
            ps.setLong(16, r.usedUnixMs());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<ApprovalRecord> find(String token) {
    return inTransaction("reading approval", c -> Optional.ofNullable(select(c, token)));
  }

  @Override
  public Decided decide(
      String token,
      boolean approve,
      JsonNode editedArgs,
      String decidedBy,
      String message,
      long nowUnixMs) {
    return inTransaction(
        "deciding approval",
        c -> {
          int n;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE approvals SET status = ?, decided_by = ?, decided_unix_ms = ?,"
                      + " edited_args = ?, message = ? WHERE token = ? AND status = 'pending'"
                      + " AND expires_unix_ms > ?")) {
            ps.setString(1, (approve ? ApprovalStatus.APPROVED : ApprovalStatus.DENIED).wireName());
            ps.setString(2, decidedBy);
            ps.setLong(3, nowUnixMs);
            ps.setString(4, approve && editedArgs != null ? Json.write(editedArgs) : null);
            ps.setString(5, message);
            ps.setString(6, token);
            ps.setLong(7, nowUnixMs);
            n = ps.executeUpdate();
          }
          ApprovalRecord after = select(c, token);
          if (n == 1) {
            return new Decided(Outcome.DECIDED, after);
          }
          if (after == null) {
            return new Decided(Outcome.NOT_FOUND, null);
          }
          return new Decided(
              after.status() != ApprovalStatus.PENDING ? Outcome.ALREADY_DECIDED : Outcome.EXPIRED,
              after);
        });
  }

  @Override
  public boolean consume(String token, long nowUnixMs) {
    return inTransaction(
        "using approval",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE approvals SET used_unix_ms = ? WHERE token = ? AND status = 'approved'"
                      + " AND used_unix_ms = 0 AND expires_unix_ms > ?")) {
            ps.setLong(1, nowUnixMs);
            ps.setString(2, token);
            ps.setLong(3, nowUnixMs);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public List<ApprovalRecord> list(
      String tenantId, boolean pendingOnly, long nowUnixMs, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM approvals WHERE 1 = 1");
    if (tenantId != null) {
      sql.append(" AND tenant_id = ?");
    }
    if (pendingOnly) {
      sql.append(" AND status = 'pending' AND expires_unix_ms > ?");
    }
    sql.append(" ORDER BY created_unix_ms DESC, token LIMIT ?");
    return inTransaction(
        "listing approvals",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (tenantId != null) {
              ps.setString(i++, tenantId);
            }
            if (pendingOnly) {
              ps.setLong(i++, nowUnixMs);
            }
            ps.setInt(i, Math.max(1, limit));
            List<ApprovalRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(row(rs));
              }
            }
            return out;
          }
        });
  }

  private static ApprovalRecord select(Connection c, String token) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM approvals WHERE token = ?")) {
      ps.setString(1, token);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  private static ApprovalRecord row(ResultSet rs) throws SQLException {
    return new ApprovalRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        json(rs.getString(6)),
        rs.getString(7),
        rs.getLong(8),
        rs.getLong(9),
        rs.getLong(10),
        ApprovalStatus.fromWire(rs.getString(11)),
        rs.getString(12),
        rs.getLong(13),
        rs.getString(14) == null ? null : json(rs.getString(14)),
        rs.getString(15),
        rs.getLong(16));
  }

  private static JsonNode json(String s) throws SQLException {
    try {
      return Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new SQLException("approvals row holds invalid JSON", e);
    }
  }

  /** Closes the connection (reopened on the next use). */
  synchronized void close() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        // closing: nothing to do
      }
      conn = null;
    }
  }
}
