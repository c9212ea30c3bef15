package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.pins.ToolPin;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pin store contract on a SQLite file, plus waiting for another process's write lock. */
final class SqlitePinStoreTest extends PinStoreContractTest {
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

  @Test
  void aPinWriteWaitsForAnotherProcessesWriteTransaction() throws Exception {
    CompletableFuture<Map<String, ToolPin>> write;
    try (Connection other = connect();
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      write =
          CompletableFuture.supplyAsync(
              () -> pins.pinIfAbsent(T, UP, Map.of("a", def("a", "x", 1, "s"))));
      s.execute(
          "INSERT INTO tool_pins (tenant_id, upstream, tool_name, pinned_sha256,"
              + " pinned_definition, approved_by) VALUES ('"
              + T
              + "', '"
              + UP
              + "', 'b', 'x', '{}', 'other')");
      Thread.sleep(100); // let the write reach the lock while it is held
      s.execute("COMMIT");
    }
    assertThat(write.get(30, TimeUnit.SECONDS)).containsOnlyKeys("a");
    assertThat(pins.list(T, UP)).extracting(ToolPin::toolName).containsExactly("a", "b");
  }
}
