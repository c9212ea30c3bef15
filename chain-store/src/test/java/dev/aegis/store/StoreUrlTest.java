package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every accepted store URL form, credentials handling, and the refusals. */
final class StoreUrlTest {
  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  void sqliteForms() {
    assertThat(StoreUrl.parse("sqlite:/var/lib/aegis/chain.db", NO_ENV))
        .isEqualTo(new StoreUrl.Sqlite(Path.of("/var/lib/aegis/chain.db")));
    assertThat(StoreUrl.parse("jdbc:sqlite:rel/chain.db", NO_ENV))
        .isEqualTo(new StoreUrl.Sqlite(Path.of("rel/chain.db")));
    assertThat(StoreUrl.parse("sqlite:///tmp/c.db", NO_ENV))
        .isEqualTo(new StoreUrl.Sqlite(Path.of("/tmp/c.db")));
    assertThat(StoreUrl.parse("sqlite:~/c.db", NO_ENV))
        .isEqualTo(new StoreUrl.Sqlite(Path.of(System.getProperty("user.home"), "c.db")));
  }

  @Test
  void postgresqlWithEverything() {
    StoreUrl.Postgres pg =
        (StoreUrl.Postgres)
            StoreUrl.parse(
                "postgresql://aegis:p%40ss@db.internal:6543/chain?sslmode=require", NO_ENV);
    assertThat(pg)
        .isEqualTo(
            new StoreUrl.Postgres(
                "db.internal", 6543, "chain", "aegis", "p@ss", Map.of("sslmode", "require")));
    assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/chain");
    assertThat(pg.describe())
        .isEqualTo("postgresql://aegis@db.internal:6543/chain?sslmode=require");
    assertThat(pg.toString()).doesNotContain("p@ss");
  }

  @Test
  void postgresSchemeDefaultPortAndPasswordFromEnvironment() {
    StoreUrl.Postgres pg =
        (StoreUrl.Postgres)
            StoreUrl.parse("postgres://aegis@[::1]/chain", Map.of("PGPASSWORD", "from-env"));
    assertThat(pg.host()).isEqualTo("[::1]");
    assertThat(pg.port()).isEqualTo(5432);
    assertThat(pg.password()).isEqualTo("from-env");
    assertThat(pg.describe()).isEqualTo("postgresql://aegis@[::1]:5432/chain");
  }

  @Test
  void jdbcFormTakesCredentialsFromParameters() {
    StoreUrl.Postgres pg =
        (StoreUrl.Postgres)
            StoreUrl.parse(
                "jdbc:postgresql://h:5432/d?user=w&password=secret&ApplicationName=x",
                Map.of("PGPASSWORD", "ignored"));
    assertThat(pg.user()).isEqualTo("w");
    assertThat(pg.password()).isEqualTo("secret");
    assertThat(pg.params()).isEqualTo(Map.of("ApplicationName", "x"));
    assertThat(pg.describe()).doesNotContain("secret");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "chain.db",
        "mysql://u:hunter2@h/db",
        "sqlite:",
        "sqlite::memory:",
        "postgresql://h:5432/db",
        "postgresql://u@h:5432/",
        "postgresql://u:hunter2@:5432/db",
        "postgresql://u@h:notaport/db",
        "postgresql://u:hunter2@h/db?sslmode=%zz"
      })
  void badUrlsAreConfigurationErrorsThatShowNoPassword(String url) {
    assertThatThrownBy(() -> StoreUrl.parse(url, NO_ENV))
        .isInstanceOfSatisfying(
            ChainStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORE_CONFIG))
        .hasMessageStartingWith("store: ")
        .hasMessageEndingWith("(expected: sqlite:PATH or postgresql://USER@HOST:PORT/DB)")
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void anUnknownSchemeIsShownRedacted() {
    assertThatThrownBy(() -> StoreUrl.parse("mysql://u:hunter2@h/db", NO_ENV))
        .hasMessage(
            "store: mysql://u:***@h/db (expected: sqlite:PATH or postgresql://USER@HOST:PORT/DB)");
  }

  @Test
  void redactHidesUserinfoAndParameterPasswords() {
    assertThat(StoreUrl.redact("postgresql://u:p@ss@h/db?password=x&sslpassword=y&a=b"))
        .isEqualTo("postgresql://u:***@h/db?password=***&sslpassword=***&a=b");
  }
}
