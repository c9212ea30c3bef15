package dev.aegis.store;

import dev.aegis.core.chain.ChainStoreException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the shared JDBC store needs from one kind of database: connections, transaction control and
 * error classification. Implementations are immutable and thread-safe; each connection is used by
 * one thread at a time.
 */
interface Database {

  /** The folder of this dialect's migrations under {@code db/}. */
  String dialect();

  /** Kind and location, without credentials. */
  String describe();

  /** A new connection for a writer lane, set up so that {@link #begin} starts a transaction. */
  Connection connectWriter() throws SQLException;

  /** A new connection for reads; {@link #endRead} is called after each use. */
  Connection connectReader() throws SQLException;

  /** Starts a write transaction that holds off other writers where the database can. */
  void begin(Connection c) throws SQLException;

  /** Commits the transaction {@link #begin} started. */
  void commit(Connection c) throws SQLException;

  /** Rolls back the current transaction; a no-op when none is open. */
  void rollback(Connection c) throws SQLException;

  /**
   * Runs the work in one write transaction ({@link #begin} … {@link #commit}), rolled back if it
   * throws; the failure is rethrown with any rollback failure suppressed in it.
   */
  default <T> T inTransaction(Connection c, ReadPool.Work<T> work) throws SQLException {
    begin(c);
    try {
      T result = work.apply(c);
      commit(c);
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        rollback(c);
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
  }

  /** Ends whatever a read left open, so the connection can be reused. */
  void endRead(Connection c) throws SQLException;

  /** Serialises concurrent migrations inside the migration transaction. */
  void lockSchema(Connection c) throws SQLException;

  /** SQL with one parameter (a table name) returning one row with a truthy column if it exists. */
  String tableExistsSql();

  /** Rows fetched per round trip when streaming a chain. */
  int fetchSize();

  /** True if the failure is about the data of a statement (retrying it alone may help others). */
  boolean isDataError(SQLException e);

  /** A STORE_UNAVAILABLE (or STORE_CONFIG) exception naming the store, the action and cause. */
  ChainStoreException failure(String action, SQLException e);
}
