package dev.aegis.store;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.chain.Redaction;
import dev.aegis.core.chain.RedactionStore;
import dev.aegis.core.event.Hex;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code redactions} table and body erasure of a chain store: the redaction row first, then the
 * body's deletion, which the schema's trigger permits only because that row exists; one
 * transaction. Thread-safe; every call blocks.
 */
final class JdbcRedactionStore implements RedactionStore {
  private static final String KEY = " WHERE tenant_id = ? AND session_id = ? AND seq = ?";

  private final Database db;
  private final BodyCipher bodies;

  JdbcRedactionStore(Database db, BodyCipher bodies) {
    this.db = requireNonNull(db, "db");
    this.bodies = requireNonNull(bodies, "bodies");
  }

  @Override
  public Redaction redact(
      String tenantId, String sessionId, long seq, String reason, String by, long unixMs) {
    return ShortLived.write(
        db,
        "redact a body",
        tx -> {
          byte[] body;
          try (PreparedStatement ps = tx.prepareStatement("SELECT body FROM bodies" + KEY)) {
            bind(ps, tenantId, sessionId, seq);
            try (ResultSet rs = ps.executeQuery()) {
              body = rs.next() ? rs.getBytes(1) : null;
            }
          }
          if (body == null) {
            throw new IllegalArgumentException(
                "no stored body at " + tenantId + "/" + sessionId + "#" + seq);
          }
          // the clear frame's digest (what the chain committed to); a shredded body's own digest
          byte[] digested = bodies.plain(tenantId, sessionId, seq, body).orElse(body);
          Redaction r =
              new Redaction(tenantId, sessionId, seq, Hex.sha256(digested), reason, by, unixMs);
          try (PreparedStatement ps =
              tx.prepareStatement(
                  "INSERT INTO redactions (tenant_id, session_id, seq, body_sha256, reason,"
                      + " redacted_by, redacted_unix_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, tenantId, sessionId, seq);
            ps.setString(4, r.bodySha256());
            ps.setString(5, r.reason());
            ps.setString(6, r.redactedBy());
            ps.setLong(7, unixMs);
            ps.executeUpdate();
          }
          try (PreparedStatement ps = tx.prepareStatement("DELETE FROM bodies" + KEY)) {
            bind(ps, tenantId, sessionId, seq);
            ps.executeUpdate();
          }
          return r;
        });
  }

  @Override
  public List<Redaction> list(String tenantId, String sessionId) {
    return ShortLived.read(
        db,
        "list redactions",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, body_sha256, reason, redacted_by, redacted_unix_ms FROM redactions"
                      + " WHERE tenant_id = ? AND session_id = ? ORDER BY seq")) {
            ps.setString(1, requireNonNull(tenantId, "tenantId"));
            ps.setString(2, requireNonNull(sessionId, "sessionId"));
            List<Redaction> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Redaction(
                        tenantId,
                        sessionId,
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getLong(5)));
              }
            }
            return out;
          }
        });
  }

  private static void bind(PreparedStatement ps, String tenantId, String sessionId, long seq)
      throws SQLException {
    ps.setString(1, requireNonNull(tenantId, "tenantId"));
    ps.setString(2, requireNonNull(sessionId, "sessionId"));
    ps.setLong(3, seq);
  }

  @Override
  public String toString() {
    return "redactions of " + db.describe();
  }
}
