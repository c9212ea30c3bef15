package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.event.Hex;
import dev.aegis.testsupport.PostgresExtension;
import dev.aegis.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chain store contract on a real PostgreSQL server (a fresh schema per test), plus what is
 * particular to PostgreSQL: bytea storage, TRUNCATE, writer privileges, lost connections.
 */
@ExtendWith(PostgresExtension.class)
final class PostgresChainStoreTest extends ChainStoreContractTest {
  private final PostgresServer pg;
  private final String schema;

  PostgresChainStoreTest(PostgresServer pg) {
    this.pg = pg;
    this.schema = pg.createSchema("chain");
  }

  @Override
  ChainStore open() {
    return ChainStores.open(pg.url(schema), Durability.FULL);
  }

  @Override
  Connection connect() throws SQLException {
    return connect(pg, schema);
  }

  /** A raw autocommit connection with owner rights whose unqualified tables are in a schema. */
  static Connection connect(PostgresServer pg, String schema) throws SQLException {
    Connection c = pg.connect();
    c.setSchema(schema);
    return c;
  }

  @Override
  void disableAppendOnly(Statement s) throws SQLException {
    s.execute("ALTER TABLE events DISABLE TRIGGER USER");
    s.execute("ALTER TABLE bodies DISABLE TRIGGER USER");
  }

  @Override
  AutoCloseable holdWriteLock() throws SQLException {
    Connection c = connect();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE events IN EXCLUSIVE MODE"); // readers pass, inserts wait
    }
    return () -> {
      try (c) {
        c.rollback();
      }
    };
  }

  @Override
  void dropDatabase() {
    pg.dropSchema(schema);
  }

  @Test
  void sealedBytesAreStoredAsByteaNeverJsonb() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT data_type FROM information_schema.columns WHERE table_schema = '"
                    + schema
                    + "' AND column_name IN ('sealed', 'body')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("bytea");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("bytea");
    }
  }

  @Test
  void truncateIsRejectedToo() throws SQLException {
    appendAll(store, new ChainBuilder(T, "s", 1).next(2));
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String table : List.of("events", "bodies")) {
        assertThatThrownBy(() -> s.execute("TRUNCATE " + table))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("append-only");
      }
    }
    assertThat(verify(store, T, "s").events()).isEqualTo(2);
  }

  @Test
  void aWriterRoleNeedsOnlyInsertAndSelect() throws SQLException {
    String role = schema + "_writer";
    pg.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'w-secret'");
    try {
      pg.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
      pg.execute("GRANT SELECT, INSERT ON " + schema + ".events, " + schema + ".bodies TO " + role);
      pg.execute("GRANT SELECT ON " + schema + ".schema_version TO " + role);
      String url = pg.url(schema).replaceFirst("//[^@]*@", "//" + role + ":w-secret@");
      ChainStore writer = track(ChainStores.open(url, Durability.FULL));
      assertThat(writer.describe())
          .startsWith("postgresql://" + role + "@")
          .doesNotContain("secret");

      List<ChainRecord> rs = new ChainBuilder(T, "s", 1).next(3);
      appendAll(writer, rs);
      assertSameRows(readAll(writer, T, "s"), rs);
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), role, "w-secret");
          Statement s = c.createStatement()) {
        c.setSchema(schema);
        assertThatThrownBy(() -> s.executeUpdate("UPDATE events SET user_id = 'x'"))
            .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> s.executeUpdate("ALTER TABLE events DISABLE TRIGGER USER"))
            .hasMessageContaining("must be owner");
      }
      writer.close();
    } finally {
      pg.execute("DROP OWNED BY " + role);
      pg.execute("DROP ROLE " + role);
    }
  }

  @Test
  void theStoreRecoversWhenItsConnectionsAreKilled() throws Exception {
    ChainBuilder a = new ChainBuilder(T, "s", 1);
    appendAll(store, a.next(3));
    assertThat(readAll(store, T, "s")).hasSize(3);

    killStoreConnections();

    // At most one attempt may fail (the one that finds the connection dead), never a wedge.
    ChainRecord next = a.next();
    try {
      store.append(next).join();
    } catch (CompletionException e) {
      assertThat(reason(e)).isEqualTo(Reason.STORE_UNAVAILABLE);
      assertThat(e.getCause()).hasMessageContaining(pg.host() + ":" + pg.port());
      assertThat(allMessages(e)).doesNotContain(Hex.of(next.sealed()).substring(0, 40));
      store.append(next).join();
    }
    List<ChainRecord> back;
    try {
      back = readAll(store, T, "s");
    } catch (ChainStoreException e) {
      assertThat(e.reason()).isEqualTo(Reason.STORE_UNAVAILABLE);
      back = readAll(store, T, "s");
    }
    assertThat(back).hasSize(4);
    appendAll(store, a.next(2));
    assertThat(verify(store, T, "s").events()).isEqualTo(6);
  }

  @Test
  void aRecordPostgresCannotStoreFailsAloneNotItsWholeBatch() throws Exception {
    ChainBuilder x = new ChainBuilder(T, "x", 1);
    ChainRecord poison = new ChainBuilder(T, sameLaneAs("x"), 2).next();
    List<CompletableFuture<Void>> good = new ArrayList<>();
    CompletableFuture<Void> bad;
    AutoCloseable lock = holdWriteLock();
    try {
      good.add(store.append(x.next()));
      bad = store.append(poison);
      good.add(store.append(x.next()));
    } finally {
      lock.close();
    }
    good.forEach(CompletableFuture::join);
    assertThatThrownBy(bad::join)
        .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.STORE_UNAVAILABLE));
    assertThat(verify(store, T, "x").events()).isEqualTo(2);
  }

  /** Terminates the server side of every store connection and waits until they are gone. */
  private void killStoreConnections() throws SQLException, InterruptedException {
    String ours =
        " FROM pg_stat_activity WHERE application_name = 'aegis'"
            + " AND datname = current_database() AND pid <> pg_backend_pid()";
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid)" + ours);
      for (int i = 0; i < 400; i++) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*)" + ours)) {
          rs.next();
          if (rs.getInt(1) == 0) {
            return;
          }
        }
        Thread.sleep(25);
      }
    }
    throw new AssertionError("killed connections did not go away");
  }

  /** A session name with a NUL (text columns refuse it) that shares a writer lane with another. */
  private static String sameLaneAs(String session) {
    int lane = Math.floorMod(new ChainKey(T, session).hashCode(), PostgresChainStore.LANES);
    for (int i = 0; ; i++) {
      String name = "nul\u0000" + i;
      if (Math.floorMod(new ChainKey(T, name).hashCode(), PostgresChainStore.LANES) == lane) {
        return name;
      }
    }
  }

  /** Every message in the cause chain, batch members included: none may carry frame bytes. */
  private static String allMessages(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c.getMessage()).append('\n');
      if (c instanceof SQLException s && s.getNextException() != null) {
        b.append(allMessages(s.getNextException()));
      }
    }
    return b.toString();
  }

  @Test
  void aMissingDatabaseIsAConfigurationError() {
    String url = pg.url().replaceFirst("/[^/]*$", "/no_such_db");
    assertThatThrownBy(() -> ChainStores.open(url, Durability.FULL))
        .isInstanceOfSatisfying(
            ChainStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORE_CONFIG))
        .hasMessageContaining("no_such_db");
  }
}
