package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsCommandTest {
  @TempDir Path dir;
  Path db;
  String url;

  @BeforeEach
  void storeChains() {
    db = dir.resolve("chain.db");
    url = TestChains.url(db);
    TestChains.store(db, "default", "s1", 8, true);
    TestChains.store(db, "acme", "session-with-a-long-id", 3, false, TestChains.T0 + 1000);
  }

  @Test
  void listsEveryChainAsATable() {
    Ctl.Run run = Ctl.run("sessions", "--store", url);
    assertThat(run.exit()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            "TENANT   SESSION                 EVENTS  FIRST                     LAST         "
                + "             STATUS",
            "default  s1                      8       2023-11-14T22:13:20.000Z  2023-11-14T22:1"
                + "3:20.070Z  terminated",
            "acme     session-with-a-long-id  3       2023-11-14T22:13:21.000Z  2023-11-14T22:1"
                + "3:21.020Z  open");
  }

  @Test
  void listsOneTenant() {
    Ctl.Run run = Ctl.run("sessions", "--store", url, "--tenant", "acme");
    assertThat(run.exit()).isZero();
    assertThat(run.out().lines()).hasSize(2);
    assertThat(run.out()).contains("session-with-a-long-id").doesNotContain("default");
  }

  @Test
  void listsAsJson() {
    Ctl.Run run = Ctl.run("sessions", "--store", url, "--json");
    assertThat(run.exit()).isZero();
    JsonNode doc = Json.parseTrusted(run.out());
    assertThat(doc.get("store").asText()).contains("chain.db");
    JsonNode s1 = doc.get("sessions").get(0);
    assertThat(s1.get("tenant_id").asText()).isEqualTo("default");
    assertThat(s1.get("session_id").asText()).isEqualTo("s1");
    assertThat(s1.get("events").asLong()).isEqualTo(8);
    assertThat(s1.get("first_ts").asText()).isEqualTo("2023-11-14T22:13:20.000Z");
    assertThat(s1.get("last_ts").asText()).isEqualTo("2023-11-14T22:13:20.070Z");
    assertThat(s1.get("first_ts_unix_ms").asLong()).isEqualTo(TestChains.T0);
    assertThat(s1.get("last_ts_unix_ms").asLong()).isEqualTo(TestChains.T0 + 70);
    assertThat(s1.get("last_event_type").asText()).isEqualTo("TERMINATION");
    assertThat(s1.get("status").asText()).isEqualTo("terminated");
    assertThat(doc.get("sessions").get(1).get("status").asText()).isEqualTo("open");
  }

  @Test
  void emptyListIsNotAnError() {
    Ctl.Run run = Ctl.run("sessions", "--store", url, "--tenant", "nobody");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("no sessions in ");
  }

  @Test
  void badStoreUrlIsAConfigurationError() {
    Ctl.Run run = Ctl.run("sessions", "--store", "nonsense:x");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("aegisctl: bad store configuration: ");
  }

  @Test
  void missingStoreFileIsReportedAndNotCreated() {
    Path missing = dir.resolve("typo").resolve("chain.db");
    Ctl.Run run = Ctl.run("sessions", "--store", "sqlite:" + missing);
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("no store at " + missing);
    assertThat(missing.getParent()).doesNotExist();
  }
}
