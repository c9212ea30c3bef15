package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** The WAL is folded in and cut back once it holds more frames than the limit. */
class WalCheckpointerTest {
  @TempDir Path dir;

  private Connection connect() throws Exception {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setBusyTimeout(5_000);
    Connection conn = c.createConnection("jdbc:sqlite:" + dir.resolve("w.db"));
    try (Statement s = conn.createStatement()) {
      s.execute("PRAGMA wal_autocheckpoint=0");
    }
    return conn;
  }

  private void write(Connection c, int rows) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS t (b BLOB)");
      for (int i = 0; i < rows; i++) {
        s.execute("INSERT INTO t VALUES (randomblob(4000))");
      }
    }
  }

  private long walBytes() throws Exception {
    Path wal = dir.resolve("w.db-wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
  }

  @Test
  void aLongWalIsTruncatedAndAShortOneOnlyCheckpointed() throws Exception {
    try (Connection writer = connect();
        WalCheckpointer small = new WalCheckpointer(this::connect, 3_600_000, 1_000)) {
      write(writer, 50); // a few frames per row: below the limit
      small.checkpoint("PASSIVE");
      assertThat(walBytes()).as("a short WAL is only checkpointed").isGreaterThan(0);
      write(writer, 800);
      small.checkpoint("PASSIVE");
      assertThat(walBytes()).as("past the limit the WAL is truncated").isZero();
      write(writer, 10);
      assertThat(walBytes()).as("and writing goes on").isGreaterThan(0);
    }
  }
}
