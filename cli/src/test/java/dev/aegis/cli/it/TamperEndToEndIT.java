package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.testsupport.PostgresServer;
import dev.aegis.testsupport.ScriptedPeer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path a user takes: sessions sealed by bin/aegis-proxy into SQLite and into a real
 * PostgreSQL server, checked by bin/aegisctl, then tampered with behind the triggers' backs.
 */
class TamperEndToEndIT {
  @TempDir Path dir;

  private static void runSession(String store, String session) throws Exception {
    List<String> args = new ArrayList<>(List.of("--store", store, "--session", session, "--"));
    args.addAll(ProxyProcess.javaMain(ScriptedPeer.class, "--reply"));
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      for (int i = 1; i <= 5; i++) {
        p.send("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}");
      }
      p.awaitLines(5, 30);
      p.closeStdin();
      assertThat(p.waitFor(30)).as(p.stderr()).isZero();
    }
  }

  private static ProxyProcess ctl(String... args) throws Exception {
    ProxyProcess p = ProxyProcess.start("aegisctl", List.of(args));
    p.waitFor(60);
    return p;
  }

  @Test
  void sqliteChainVerifiesExportsAndCatchesAFlippedByte() throws Exception {
    Path db = dir.resolve("chain.db");
    String store = "sqlite:" + db;
    runSession(store, "e2e");
    try (ProxyProcess v = ctl("verify", "--store", store, "--session", "e2e")) {
      assertThat(v.process.exitValue()).as(v.stderr()).isZero();
      assertThat(v.stdout()).startsWith("valid    default/e2e  events=12");
    }
    Path export = dir.resolve("e2e.ndjson");
    try (ProxyProcess e =
        ctl("export", "--store", store, "--session", "e2e", "--out", export.toString())) {
      assertThat(e.process.exitValue()).isZero();
    }
    try (ProxyProcess v = ctl("verify", "--file", export.toString())) {
      assertThat(v.process.exitValue()).as(v.stdout() + v.stderr()).isZero();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.createStatement().execute("DROP TRIGGER events_no_update");
      byte[] sealed;
      try (ResultSet rs =
          c.createStatement()
              .executeQuery("SELECT sealed FROM events WHERE session_id = 'e2e' AND seq = 4")) {
        rs.next();
        sealed = rs.getBytes(1);
      }
      sealed[sealed.length / 2] ^= 0x01;
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE events SET sealed = ? WHERE session_id = 'e2e' AND seq = 4")) {
        ps.setBytes(1, sealed);
        ps.executeUpdate();
      }
    }
    try (ProxyProcess v = ctl("verify", "--store", store, "--session", "e2e")) {
      assertThat(v.process.exitValue()).isEqualTo(1);
      assertThat(v.stdout()).contains("INVALID").contains("first_bad_seq=4");
    }
  }

  @Test
  void postgresChainVerifiesAndCatchesADeletedRecord() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String schema = pg.createSchema("e2e");
    try {
      String store = pg.url(schema);
      runSession(store, "pg-e2e");
      try (ProxyProcess v = ctl("verify", "--store", store, "--session", "pg-e2e")) {
        assertThat(v.process.exitValue()).as(v.stderr()).isZero();
      }
      try (Connection c = pg.connect();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE " + schema + ".events DISABLE TRIGGER events_append_only");
        s.execute("DELETE FROM " + schema + ".events WHERE session_id = 'pg-e2e' AND seq = 2");
      }
      try (ProxyProcess v = ctl("verify", "--store", store, "--session", "pg-e2e")) {
        assertThat(v.process.exitValue()).isEqualTo(1);
        assertThat(v.stdout()).contains("first_bad_seq=2").contains("gap");
      }
    } finally {
      pg.dropSchema(schema);
    }
  }
}
