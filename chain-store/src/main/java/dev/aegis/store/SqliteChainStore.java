package dev.aegis.store;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * A chain store in one SQLite file: WAL journal, one writer thread that group-commits each batch in
 * a {@code BEGIN IMMEDIATE} transaction, reads on their own connections. Several processes may
 * share the file: writers wait for each other up to the busy timeout, and the chain checks inside
 * the write transaction keep a second writer from forking a chain. Thread-safe.
 */
final class SqliteChainStore extends JdbcChainStore {
  /** How long a writer waits for another process's write transaction before failing. */
  static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

  /** WAL lets readers run beside the writer; a few cover concurrent verifies and exports. */
  static final int READ_CONNECTIONS = 4;

  private final Path path;
  private final Duration busyTimeout;
  private WalCheckpointer checkpointer;

  private SqliteChainStore(Path path, Durability durability, Duration busyTimeout) {
    super(durability);
    this.path = path;
    this.busyTimeout = busyTimeout;
  }

  /** Opens (creating file, parent directories and schema as needed) the store at a path. */
  static SqliteChainStore open(Path path, Durability durability) {
    return open(path, durability, BUSY_TIMEOUT, LaneConfig.DEFAULT);
  }

  static SqliteChainStore open(
      Path path, Durability durability, Duration busyTimeout, LaneConfig config) {
    Path file = path.toAbsolutePath().normalize();
    createParent(file);
    SqliteChainStore store = new SqliteChainStore(file, durability, busyTimeout);
    try {
      store.start(1, READ_CONNECTIONS, config);
      if (WalCheckpointer.PERIOD_MS > 0) {
        store.checkpointer = new WalCheckpointer(store::connectWriter);
      }
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static void createParent(Path file) {
    Path parent = file.getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new ChainStoreException(
          Reason.STORE_UNAVAILABLE,
          "store sqlite:" + file + ": cannot create directory " + parent + " (" + e + ")",
          e);
    }
  }

  private Connection connect(boolean writer) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) busyTimeout.toMillis());
    if (writer) {
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(
          durability() == Durability.FULL
              ? SQLiteConfig.SynchronousMode.FULL
              : SQLiteConfig.SynchronousMode.NORMAL);
    }
    Connection c = config.createConnection("jdbc:sqlite:" + path);
    if (writer) {
      BusyHandler.setHandler(c, new ShortBusyWait(busyTimeout));
    }
    if (writer && WalCheckpointer.PERIOD_MS > 0) {
      exec(c, "PRAGMA wal_autocheckpoint = 0"); // WalCheckpointer does it off the hot path
    }
    if (!writer) {
      try {
        exec(c, "PRAGMA query_only = true");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  /** Stops background checkpoints once the writer has committed its last batch. */
  @Override
  void afterWritersClosed() {
    if (checkpointer != null) {
      checkpointer.close();
    }
  }

  @Override
  public String dialect() {
    return "sqlite";
  }

  @Override
  public String describe() {
    return "sqlite:" + path;
  }

  @Override
  public Connection connectWriter() throws SQLException {
    return connect(true);
  }

  @Override
  public Connection connectReader() throws SQLException {
    return connect(false);
  }

  /** Takes the database's write lock up front, so the head checks see what the inserts will. */
  @Override
  public void begin(Connection c) throws SQLException {
    exec(c, "BEGIN IMMEDIATE");
  }

  @Override
  public void commit(Connection c) throws SQLException {
    exec(c, "COMMIT");
  }

  @Override
  public void rollback(Connection c) throws SQLException {
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException e) {
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        throw e;
      }
    }
  }

  @Override
  public void endRead(Connection c) {
    // reads run in autocommit mode: nothing stays open
  }

  @Override
  public void lockSchema(Connection c) {
    // BEGIN IMMEDIATE already excludes other writers, migrators included
  }

  @Override
  public String tableExistsSql() {
    return "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
  }

  @Override
  public int fetchSize() {
    return 256;
  }

  @Override
  public boolean isDataError(SQLException e) {
    int primary = e.getErrorCode() & 0xff;
    return primary == SQLiteErrorCode.SQLITE_CONSTRAINT.code
        || primary == SQLiteErrorCode.SQLITE_TOOBIG.code
        || primary == SQLiteErrorCode.SQLITE_MISMATCH.code;
  }

  @Override
  public ChainStoreException failure(String action, SQLException e) {
    return new ChainStoreException(
        Reason.STORE_UNAVAILABLE,
        "store " + describe() + ": " + action + " failed: " + ChainSql.message(e),
        e);
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
