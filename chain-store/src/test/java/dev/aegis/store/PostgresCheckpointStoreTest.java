package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.checkpoint.CheckpointStore;
import dev.aegis.testsupport.PostgresExtension;
import dev.aegis.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checkpoints and redactions contract on a real PostgreSQL server (a fresh schema per test),
 * plus the privileges docs/storage.md grants: a proxy's writer role stores checkpoints but cannot
 * redact; an operator role with the redaction grants can.
 */
@ExtendWith(PostgresExtension.class)
final class PostgresCheckpointStoreTest extends CheckpointStoreContractTest {
  private final PostgresServer pg;
  private final String schema;

  PostgresCheckpointStoreTest(PostgresServer pg) {
    this.pg = pg;
    this.schema = pg.createSchema("ckpt");
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
  void disableAppendOnly(Statement s, String table) throws SQLException {
    s.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
  }

  @Override
  void dropDatabase() {
    pg.dropSchema(schema);
  }

  @Test
  void theWriterRoleStoresCheckpointsButOnlyTheRedactorRoleErasesBodies() {
    List<ChainRecord> records = chain();
    String writer = schema + "_writer";
    String redactor = schema + "_redactor";
    pg.execute("CREATE ROLE " + writer + " LOGIN PASSWORD 'w-secret'");
    pg.execute("CREATE ROLE " + redactor + " LOGIN PASSWORD 'r-secret'");
    try {
      for (String role : List.of(writer, redactor)) {
        pg.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
        pg.execute("GRANT SELECT ON " + schema + ".schema_version TO " + role);
        pg.execute("GRANT SELECT ON " + schema + ".events, " + schema + ".redactions TO " + role);
      }
      pg.execute(
          "GRANT SELECT, INSERT ON "
              + schema
              + ".events, "
              + schema
              + ".bodies, "
              + schema
              + ".checkpoints TO "
              + writer);
      pg.execute("GRANT SELECT, DELETE ON " + schema + ".bodies TO " + redactor);
      pg.execute("GRANT INSERT ON " + schema + ".redactions TO " + redactor);

      try (ChainStore w = ChainStores.open(as(writer, "w-secret"), Durability.FULL)) {
        CheckpointStore cps = ChainStores.checkpoints(w);
        cps.put(checkpointAt(records.get(4)));
        assertThat(cps.list(T, S)).hasSize(1);
        assertThatThrownBy(() -> ChainStores.redactions(w).redact(T, S, 3, "x", "w", 1))
            .hasMessageContaining("permission denied");
      }
      try (ChainStore r = ChainStores.open(as(redactor, "r-secret"), Durability.FULL)) {
        assertThat(ChainStores.redactions(r).redact(T, S, 3, "x", "ops", 1).seq()).isEqualTo(3);
        assertThatThrownBy(() -> ChainStores.checkpoints(r).put(checkpointAt(records.get(6))))
            .hasMessageContaining("permission denied");
      }
      assertThat(redactions.list(T, S)).hasSize(1);
    } finally {
      for (String role : List.of(writer, redactor)) {
        pg.execute("DROP OWNED BY " + role);
        pg.execute("DROP ROLE " + role);
      }
    }
  }

  private String as(String role, String password) {
    return pg.url(schema).replaceFirst("//[^@]*@", "//" + role + ":" + password + "@");
  }
}
