package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening stores by URL: the factory's choices and its error messages. */
final class ChainStoresTest {
  @TempDir Path dir;

  @Test
  void sqliteCreatesTheFileAndItsDirectories() {
    Path file = dir.resolve("a").resolve("b").resolve("chain.db");
    try (ChainStore s = ChainStores.open("sqlite:" + file, Durability.NORMAL)) {
      assertThat(s).isInstanceOf(SqliteChainStore.class);
      assertThat(s.describe()).isEqualTo("sqlite:" + file);
      assertThat(s.durability()).isEqualTo(Durability.NORMAL);
    }
    assertThat(file).isRegularFile();
  }

  @Test
  void aBadUrlIsAConfigurationError() {
    assertThatThrownBy(() -> ChainStores.open("redis://u:pw@h", Durability.FULL))
        .isInstanceOfSatisfying(
            ChainStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORE_CONFIG))
        .hasMessage(
            "store: redis://u:***@h (expected: sqlite:PATH or postgresql://USER@HOST:PORT/DB)");
  }

  @Test
  void anUnreachablePostgresIsUnavailableNamingHostAndPortButNotThePassword() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again below: nothing listens there
    }
    String url = "postgresql://aegis:hunter2@127.0.0.1:" + port + "/chain";
    assertThatThrownBy(() -> ChainStores.open(url, Durability.FULL, Map.of()))
        .isInstanceOfSatisfying(
            ChainStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.STORE_UNAVAILABLE))
        .hasMessageContaining("store postgresql://aegis@127.0.0.1:" + port + "/chain")
        .hasMessageContaining("cannot reach 127.0.0.1:" + port)
        .message()
        .doesNotContain("hunter2");
  }
}
