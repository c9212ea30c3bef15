package dev.aegis.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work on short-lived connections of a {@link Database}, for the tables beside the chain that are
 * used rarely (pins, checkpoints, redactions): a read ends its read, a write is one transaction.
 * Stateless; each call blocks and throws the database's STORE_UNAVAILABLE failure.
 */
final class ShortLived {
  private ShortLived() {}

  static <T> T read(Database db, String action, ReadPool.Work<T> work) {
    try (Connection c = db.connectReader()) {
      T result = work.apply(c);
      db.endRead(c);
      return result;
    } catch (SQLException e) {
      throw db.failure(action, e);
    }
  }

  static <T> T write(Database db, String action, ReadPool.Work<T> work) {
    try (Connection c = db.connectWriter()) {
      return db.inTransaction(c, work);
    } catch (SQLException e) {
      throw db.failure(action, e);
    }
  }
}
