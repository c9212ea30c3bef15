package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConfig;

/** The chain store contract on a SQLite file, plus what is particular to SQLite. */
final class SqliteChainStoreTest extends ChainStoreContractTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("nested").resolve("chain.db");
  }

  @Override
  ChainStore open() {
    return ChainStores.open("sqlite:" + file(), Durability.FULL);
  }

  @Override
  Connection connect() throws SQLException {
    return connect(file());
  }

  /** A raw autocommit connection to a store file that waits for other writers. */
  static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(5_000);
    return config.createConnection("jdbc:sqlite:" + file);
  }

  @Override
  void disableAppendOnly(Statement s) throws SQLException {
    for (String t : new String[] {"events_no_update", "events_no_delete", "bodies_no_update"}) {
      s.execute("DROP TRIGGER IF EXISTS " + t);
    }
    s.execute("DROP TRIGGER IF EXISTS bodies_no_delete");
    s.execute("DROP TRIGGER IF EXISTS bodies_delete_only_redacted");
  }

  @Override
  AutoCloseable holdWriteLock() throws SQLException {
    Connection c = connect();
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
    }
    return () -> {
      try (c;
          Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      }
    };
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void writesUseWalAndTheSynchronousModeOfTheDurability(Durability durability) throws SQLException {
    SqliteChainStore s =
        (SqliteChainStore) track(ChainStores.open("jdbc:sqlite:" + file(), durability));
    try (Connection c = s.connectWriter();
        Statement st = c.createStatement()) {
      assertThat(pragma(st, "journal_mode")).isEqualToIgnoringCase("wal");
      assertThat(pragma(st, "synchronous")).isEqualTo(durability == Durability.FULL ? "2" : "1");
      // ShortBusyWait replaces SQLite's own busy handler (and with it busy_timeout's value);
      // the waiting itself is tested with a lock held by another connection.
      assertThat(pragma(st, "busy_timeout")).isEqualTo("0");
      assertThat(pragma(st, "wal_autocheckpoint")).isEqualTo("0");
    }
    assertThat(s.durability()).isEqualTo(durability);
    assertThat(s.describe()).isEqualTo("sqlite:" + file());
  }

  private static String pragma(Statement st, String name) throws SQLException {
    try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @Test
  void aWriterThatTimesOutOnABusyDatabaseRecoversWhenItIsFree() throws Exception {
    LaneConfig config = LaneConfig.DEFAULT;
    ChainStore impatient =
        track(SqliteChainStore.open(file(), Durability.FULL, Duration.ofMillis(200), config));
    ChainBuilder a = new ChainBuilder(T, "busy", 1);
    CompletableFuture<Void> failed;
    AutoCloseable lock = holdWriteLock();
    try {
      failed = impatient.append(a.fork(1).next());
      assertThatThrownBy(failed::join)
          .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.STORE_UNAVAILABLE))
          .hasMessageContaining("sqlite:");
    } finally {
      lock.close();
    }
    appendAll(impatient, a.next(3)); // same writer thread, same connection: not wedged
    assertThat(verify(impatient, T, "busy").events()).isEqualTo(3);
  }

  @Test
  void aPathThatCannotBeCreatedIsUnavailableAndNamed() {
    appendAll(store, new ChainBuilder(T, "s", 1).next(1)); // file() now exists as a file
    Path under = file().resolve("x").resolve("chain.db");
    assertThatThrownBy(() -> ChainStores.open("sqlite:" + under, Durability.FULL))
        .isInstanceOfSatisfying(
            ChainStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.STORE_UNAVAILABLE))
        .hasMessageContaining("sqlite:" + under);
  }
}
