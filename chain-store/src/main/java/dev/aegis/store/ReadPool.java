package dev.aegis.store;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small pool of read connections, opened on demand, reused while healthy and dropped when broken.
 * Thread-safe; a caller waits up to {@link #BORROW_WAIT_SECONDS} for a free connection.
 */
final class ReadPool implements AutoCloseable {
  static final int BORROW_WAIT_SECONDS = 30;

  /** Work done with a borrowed connection. */
  interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private final Database db;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  ReadPool(Database db, int size) {
    this.db = db;
    this.permits = new Semaphore(size, true);
  }

  /** Runs the work on a pooled connection; SQL failures become STORE_UNAVAILABLE. */
  <T> T with(String action, Work<T> work) {
    acquire();
    Connection c = null;
    boolean healthy = false;
    try {
      c = idle.pollFirst();
      if (c == null) {
        c = db.connectReader();
      }
      T result = work.apply(c);
      db.endRead(c);
      healthy = true;
      return result;
    } catch (SQLException e) {
      healthy = stillUsable(c);
      throw db.failure(action, e);
    } catch (RuntimeException e) {
      healthy = stillUsable(c); // e.g. the caller's consumer threw mid-stream
      throw e;
    } finally {
      release(c, healthy);
    }
  }

  private void acquire() {
    if (closed) {
      throw new ChainStoreException(Reason.STORE_CLOSED, "store is closed");
    }
    try {
      if (!permits.tryAcquire(BORROW_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new ChainStoreException(
            Reason.STORE_UNAVAILABLE,
            "store "
                + db.describe()
                + ": no read connection free within "
                + BORROW_WAIT_SECONDS
                + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChainStoreException(Reason.STORE_UNAVAILABLE, "interrupted waiting to read", e);
    }
  }

  private boolean stillUsable(Connection c) {
    try {
      if (c == null || !c.isValid(2)) {
        return false;
      }
      db.endRead(c);
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private void release(Connection c, boolean healthy) {
    try {
      if (c != null) {
        if (healthy && !closed) {
          idle.addFirst(c);
        } else {
          closeQuietly(c);
        }
      }
    } finally {
      permits.release();
    }
    if (closed) {
      drain();
    }
  }

  /** Closes idle connections; connections in use are closed when returned. */
  @Override
  public void close() {
    closed = true;
    drain();
  }

  private void drain() {
    for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // a broken connection is being discarded: nothing more to do
    }
  }
}
