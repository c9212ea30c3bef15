package dev.aegis.store;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a store's schema to the version this build knows, applying the numbered scripts under
 * {@code db/<dialect>/} in one transaction and recording each in {@code schema_version}. Idempotent
 * and safe against concurrent openers; refuses a store newer than this build.
 */
final class Migrations {
  /** Script {@code i} creates schema version {@code i + 1}; both dialects have every version. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__init.sql",
          "V2__approvals.sql",
          "V3__tool_pins.sql",
          "V4__checkpoints_redactions.sql",
          "V5__session_keys.sql");

  private static final String CREATE_VERSION_TABLE =
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
          + " script TEXT NOT NULL, applied_unix_ms BIGINT NOT NULL)";

  private Migrations() {}

  static int latest() {
    return SCRIPTS.size();
  }

  /** Migrates through the connection, which is left without an open transaction. */
  static void apply(Connection c, Database db) throws SQLException {
    int current = current(c, db);
    db.endRead(c);
    if (current == latest()) {
      return; // nothing to do, and nothing that needs more than SELECT
    }
    db.inTransaction(
        c,
        tx -> {
          db.lockSchema(tx);
          try (Statement s = tx.createStatement()) {
            s.execute(CREATE_VERSION_TABLE);
          }
          for (int v = current(tx, db) + 1; v <= latest(); v++) {
            run(tx, db.dialect(), v);
          }
          return null;
        });
  }

  private static int current(Connection c, Database db) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(db.tableExistsSql())) {
      ps.setString(1, "schema_version");
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || !rs.getBoolean(1)) {
          return 0;
        }
      }
    }
    int version;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version > latest()) {
      throw new ChainStoreException(
          Reason.STORE_CONFIG,
          "store "
              + db.describe()
              + ": schema version "
              + version
              + " is newer than this Aegis build supports ("
              + latest()
              + "); upgrade Aegis to open it");
    }
    return version;
  }

  private static void run(Connection c, String dialect, int version) throws SQLException {
    String script = SCRIPTS.get(version - 1);
    try (Statement s = c.createStatement()) {
      s.executeUpdate(resource("db/" + dialect + "/" + script)); // runs every statement
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO schema_version (version, script, applied_unix_ms) VALUES (?, ?, ?)")) {
      ps.setInt(1, version);
      ps.setString(2, script);
      ps.setLong(3, System.currentTimeMillis());
      ps.executeUpdate();
    }
  }

  static String resource(String name) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(name, e);
    }
  }
}
