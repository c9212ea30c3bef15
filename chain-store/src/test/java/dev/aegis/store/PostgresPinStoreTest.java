package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.pins.PinStore;
import dev.aegis.testsupport.PostgresExtension;
import dev.aegis.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pin store contract on a real PostgreSQL server (a fresh schema per test), plus the privileges
 * docs/storage.md grants a proxy's writer role on the pin table.
 */
@ExtendWith(PostgresExtension.class)
final class PostgresPinStoreTest extends PinStoreContractTest {
  private final PostgresServer pg;
  private final String schema;

  PostgresPinStoreTest(PostgresServer pg) {
    this.pg = pg;
    this.schema = pg.createSchema("pins");
  }

  @Override
  ChainStore open() {
    return ChainStores.open(pg.url(schema), Durability.FULL);
  }

  @Override
  Connection connect() throws SQLException {
    return PostgresChainStoreTest.connect(pg, schema);
  }

  @Override
  void dropDatabase() {
    pg.dropSchema(schema);
  }

  @Test
  void theWriterRolePinsAndRecordsChangesButCannotApproveOrReset() {
    String role = schema + "_writer";
    pg.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'w-secret'");
    try {
      String t = schema + ".tool_pins";
      pg.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
      pg.execute("GRANT SELECT ON " + schema + ".schema_version TO " + role);
      pg.execute("GRANT SELECT, INSERT ON " + t + " TO " + role);
      pg.execute(
          "GRANT UPDATE (seen_sha256, seen_definition, seen_unix_ms, seen_session_id,"
              + " seen_renamed_from) ON "
              + t
              + " TO "
              + role);
      String url = pg.url(schema).replaceFirst("//[^@]*@", "//" + role + ":w-secret@");
      PinStore writer = ChainStores.pins(track(ChainStores.open(url, Durability.FULL)));

      writer.pinIfAbsent(T, UP, Map.of("a", def("a", "x", 1, "s1")));
      writer.pinIfAbsent(T, UP, Map.of("a", def("a", "y", 2, "s2")));
      writer.recordChange(T, UP, "a", def("a", "y", 2, "s2"), null);
      writer.recordChange(T, UP, "b", def("b", "x", 2, "s2"), "old");
      assertThat(writer.list(T, UP)).hasSize(2);

      assertThatThrownBy(() -> writer.approve(T, UP, List.of(), "mallory", 3))
          .isInstanceOfSatisfying(
              ChainStoreException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.STORE_UNAVAILABLE))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> writer.reset(T, UP, null)).hasMessageContaining("permission denied");
      assertThat(pins.approve(T, UP, List.of(), "alice", 3)).as("the owner can").hasSize(2);
    } finally {
      pg.execute("DROP OWNED BY " + role);
      pg.execute("DROP ROLE " + role);
    }
  }
}
