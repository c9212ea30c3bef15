package dev.aegis.store;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.chain.SessionKeyStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * The {@code session_keys} table of a chain store, over short-lived connections (one write when a
 * session gets its key, one read when a restarted proxy meets a key it does not know). Thread-safe;
 * every call blocks.
 */
final class JdbcSessionKeyStore implements SessionKeyStore {
  private static final String BIND =
      "INSERT INTO session_keys (tenant_id, upstream, kind, key_sha256, session_id,"
          + " bound_unix_ms) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (tenant_id, upstream, kind, key_sha256) DO UPDATE SET"
          + " session_id = excluded.session_id, bound_unix_ms = excluded.bound_unix_ms";
  private static final String FIND =
      "SELECT session_id FROM session_keys"
          + " WHERE tenant_id = ? AND upstream = ? AND kind = ? AND key_sha256 = ?";

  private final Database db;

  JdbcSessionKeyStore(Database db) {
    this.db = requireNonNull(db, "db");
  }

  @Override
  public void bind(
      String tenantId, String upstream, String kind, String keySha256, String sessionId) {
    requireNonNull(sessionId, "sessionId");
    ShortLived.write(
        db,
        "bind a session key",
        tx -> {
          try (PreparedStatement ps = tx.prepareStatement(BIND)) {
            key(ps, tenantId, upstream, kind, keySha256);
            ps.setString(5, sessionId);
            ps.setLong(6, System.currentTimeMillis());
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public Optional<String> find(String tenantId, String upstream, String kind, String keySha256) {
    return ShortLived.read(
        db,
        "find a session key",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(FIND)) {
            key(ps, tenantId, upstream, kind, keySha256);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  private static void key(
      PreparedStatement ps, String tenantId, String upstream, String kind, String keySha256)
      throws java.sql.SQLException {
    ps.setString(1, requireNonNull(tenantId, "tenantId"));
    ps.setString(2, requireNonNull(upstream, "upstream"));
    ps.setString(3, requireNonNull(kind, "kind"));
    ps.setString(4, requireNonNull(keySha256, "keySha256"));
  }

  @Override
  public String toString() {
    return "session keys of " + db.describe();
  }
}
