package dev.aegis.store;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoints and redactions contract on a SQLite file. */
final class SqliteCheckpointStoreTest extends CheckpointStoreContractTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("chain.db");
  }

  @Override
  ChainStore open() {
    return ChainStores.open("sqlite:" + file(), Durability.FULL);
  }

  @Override
  Connection connect() throws SQLException {
    return SqliteChainStoreTest.connect(file());
  }

  @Override
  void disableAppendOnly(Statement s, String table) throws SQLException {
    s.execute("DROP TRIGGER IF EXISTS " + table + "_no_update");
    s.execute("DROP TRIGGER IF EXISTS " + table + "_no_delete");
    s.execute("DROP TRIGGER IF EXISTS " + table + "_delete_only_redacted");
  }
}
