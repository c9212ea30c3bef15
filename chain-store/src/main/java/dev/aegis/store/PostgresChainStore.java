package dev.aegis.store;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A chain store in PostgreSQL: a fixed set of writer lanes (a session hashed to one lane, each lane
 * a thread with its own connection doing group commit) and a small pool of read connections that
 * stream chains through a cursor. Thread-safe.
 */
final class PostgresChainStore extends JdbcChainStore {
  /** Writer lanes, hence writer connections; sessions spread over them by hash. */
  static final int LANES = 4;

  static final int READ_CONNECTIONS = 4;

  /** Key of the advisory lock that serialises concurrent migrations ("aegis" in ASCII). */
  private static final long MIGRATION_LOCK = 0x6165676973L;

  private final StoreUrl.Postgres url;

  private PostgresChainStore(StoreUrl.Postgres url, Durability durability) {
    super(durability);
    this.url = url;
  }

  /** Connects, migrates the schema if needed, and starts the lanes. */
  static PostgresChainStore open(StoreUrl.Postgres url, Durability durability) {
    PostgresChainStore store = new PostgresChainStore(url, durability);
    try {
      store.start(LANES, READ_CONNECTIONS, LaneConfig.DEFAULT);
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("ApplicationName", "aegis");
    p.setProperty("connectTimeout", "10");
    // A writer stuck on a dead socket would stall its lane: give up, fail the batch, reconnect.
    p.setProperty("socketTimeout", "60");
    p.setProperty("tcpKeepAlive", "true");
    p.putAll(url.params());
    // Never let the driver inline statement parameters (sealed frames) into exception messages.
    p.setProperty("logServerErrorDetail", "false");
    p.setProperty("user", url.user());
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    Connection c = DriverManager.getConnection(url.jdbcUrl(), p);
    try {
      c.setAutoCommit(false);
      if (durability() == Durability.NORMAL) {
        try (Statement s = c.createStatement()) {
          // The commit survives our crash (the server has it) but not the server's power loss.
          s.execute("SET synchronous_commit TO off");
        }
        c.commit();
      }
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public String dialect() {
    return "postgresql";
  }

  @Override
  public String describe() {
    return url.describe();
  }

  @Override
  public Connection connectWriter() throws SQLException {
    return connect();
  }

  @Override
  public Connection connectReader() throws SQLException {
    return connect(); // autocommit off: the driver streams with a cursor only inside a transaction
  }

  @Override
  public void begin(Connection c) {
    // autocommit is off: the first statement starts the transaction
  }

  @Override
  public void commit(Connection c) throws SQLException {
    c.commit();
  }

  @Override
  public void rollback(Connection c) throws SQLException {
    c.rollback();
  }

  @Override
  public void endRead(Connection c) throws SQLException {
    c.rollback();
  }

  @Override
  public void lockSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
    }
  }

  @Override
  public String tableExistsSql() {
    return "SELECT to_regclass(?) IS NOT NULL";
  }

  @Override
  public int fetchSize() {
    return 256;
  }

  /** Data exceptions (class 22) and integrity violations (class 23). */
  @Override
  public boolean isDataError(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  @Override
  public ChainStoreException failure(String action, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = "store " + describe() + ": ";
    if (state.startsWith("08")) {
      return new ChainStoreException(
          Reason.STORE_UNAVAILABLE,
          where
              + "cannot reach "
              + url.host()
              + ":"
              + url.port()
              + " ("
              + ChainSql.message(e)
              + ")",
          e);
    }
    boolean misconfigured =
        state.startsWith("28") || state.equals("3D000") || state.equals("42501");
    if (misconfigured && action.equals("open")) {
      return new ChainStoreException(
          Reason.STORE_CONFIG, where + action + " refused: " + ChainSql.message(e), e);
    }
    return new ChainStoreException(
        Reason.STORE_UNAVAILABLE, where + action + " failed: " + ChainSql.message(e), e);
  }
}
