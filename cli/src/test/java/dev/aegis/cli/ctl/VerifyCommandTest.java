package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
  @TempDir Path dir;
  Path db;
  String url;
  List<ChainRecord> s1;

  @BeforeEach
  void storeChain() {
    storeChainIn("chain.db");
  }

  private void storeChainIn(String file) {
    db = dir.resolve(file);
    url = TestChains.url(db);
    s1 = TestChains.store(db, "default", "s1", 8, true);
  }

  private Ctl.Run verifyS1() {
    return Ctl.run("verify", "--store", url, "--session", "s1");
  }

  private void assertInvalidAt(long seq, String reason) {
    Ctl.Run run = verifyS1();
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.out())
        .startsWith("INVALID  default/s1  events=")
        .contains("  first_bad_seq=" + seq + "  reason=")
        .contains(reason);
  }

  @Test
  void untouchedChainIsValid() {
    Ctl.Run run = verifyS1();
    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "valid    default/s1  events=8  head=" + s1.get(7).hash() + System.lineSeparator());
    assertThat(run.err()).isEmpty();
  }

  @Test
  void flippedByteOfSealedIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.flipSealedByte("s1", 3, 40);
    }
    assertInvalidAt(3, "hash mismatch");
  }

  @Test
  void changedHashColumnIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      String h = s1.get(3).hash();
      String forged = (h.charAt(0) == '0' ? "1" : "0") + h.substring(1);
      t.sql("UPDATE events SET hash = ? WHERE seq = 3", forged);
    }
    assertInvalidAt(3, "hash mismatch");
  }

  @Test
  void changedIndexedColumnsAreFound() throws Exception {
    String[][] cases = {
      {"event_type", "'TOOL_RESULT'", "column event_type disagrees"},
      {"ts_unix_ms", "ts_unix_ms + 1", "column ts_unix_ms disagrees"},
      {"user_id", "'mallory'", "column user_id disagrees"},
      {"prev_hash", "upper(prev_hash)", "column prev_hash disagrees"},
    };
    for (String[] c : cases) {
      storeChainIn(c[0] + ".db");
      try (Tamper t = new Tamper(db)) {
        t.sql("UPDATE events SET " + c[0] + " = " + c[1] + " WHERE seq = 3");
      }
      assertInvalidAt(3, c[2]);
    }
  }

  @Test
  void rowMovedToAnotherChainLeavesAGap() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql("UPDATE events SET session_id = 's1x' WHERE seq = 3");
    }
    assertInvalidAt(3, "gap: seq 3 is missing (next stored seq is 4)");
  }

  @Test
  void changedSeqColumnLeavesAGap() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql("UPDATE events SET seq = 100 WHERE seq = 3");
    }
    assertInvalidAt(3, "gap: seq 3 is missing");
  }

  @Test
  void deletedMiddleRowIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql("DELETE FROM events WHERE seq = 4");
    }
    assertInvalidAt(4, "gap: seq 4 is missing (next stored seq is 5)");
  }

  @Test
  void swappedRowsAreFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.swap("s1", 2, 5);
    }
    assertInvalidAt(2, "column seq disagrees");
  }

  @Test
  void insertedCopyOfARowIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      for (int seq = 7; seq >= 4; seq--) {
        t.sql("UPDATE events SET seq = seq + 1 WHERE seq = ?", seq);
        t.sql("UPDATE bodies SET seq = seq + 1 WHERE seq = ?", seq);
      }
      t.sql(
          "INSERT INTO events SELECT tenant_id, session_id, 4, ts_unix_ms, event_type, user_id,"
              + " prev_hash, hash, sealed FROM events WHERE seq = 3");
    }
    assertInvalidAt(4, "column seq disagrees");
  }

  @Test
  void forgedRecordInsertedWithAValidLinkIsFoundAtTheNextRecord() throws Exception {
    ChainRecord forged = reseal(s1.get(3), 4, s1.get(3).hash());
    try (Tamper t = new Tamper(db)) {
      for (int seq = 7; seq >= 4; seq--) {
        t.sql("UPDATE events SET seq = seq + 1 WHERE seq = ?", seq);
        t.sql("UPDATE bodies SET seq = seq + 1 WHERE seq = ?", seq);
      }
      insert(t, forged);
    }
    assertInvalidAt(5, "column seq disagrees");
  }

  @Test
  void rewrittenRecordWithRecomputedHashBreaksTheNextLink() throws Exception {
    ChainRecord forged = reseal(s1.get(3), 3, s1.get(2).hash());
    try (Tamper t = new Tamper(db)) {
      t.sql("DELETE FROM events WHERE seq = 3");
      t.sql("DELETE FROM bodies WHERE seq = 3");
      insert(t, forged);
    }
    assertInvalidAt(4, "broken link: prev_hash does not match the hash of seq 3");
  }

  @Test
  void nonCanonicalSealedBytesAreFound() throws Exception {
    byte[] spaced =
        new String(s1.get(3).sealed(), StandardCharsets.UTF_8)
            .replace("\"seq\":3", "\"seq\": 3")
            .getBytes(StandardCharsets.UTF_8);
    try (Tamper t = new Tamper(db)) {
      t.sql(
          "UPDATE events SET sealed = ?, hash = ? WHERE seq = 3",
          spaced,
          dev.aegis.core.event.Hex.sha256(spaced));
    }
    assertInvalidAt(3, "sealed bytes are not canonical");
  }

  @Test
  void changedBodyIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      byte[] body = t.bytes("SELECT body FROM bodies WHERE seq = 2");
      body[body.length - 3] ^= 1;
      t.sql("UPDATE bodies SET body = ? WHERE seq = 2", body);
    }
    assertInvalidAt(2, "frame body does not match its committed body_sha256");
  }

  @Test
  void deletedBodyIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql("DELETE FROM bodies WHERE seq = 2");
    }
    assertInvalidAt(2, "frame body missing");
  }

  @Test
  void bodyAddedToAnEventWithoutOneIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql(
          "INSERT INTO bodies (tenant_id, session_id, seq, body) VALUES ('default', 's1', 0, ?)",
          new byte[] {'{', '}'});
    }
    assertInvalidAt(0, "body stored for an event that commits to none");
  }

  @Test
  void appendedCopyAtTheEndIsFound() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql(
          "INSERT INTO events SELECT tenant_id, session_id, 8, ts_unix_ms, event_type, user_id,"
              + " prev_hash, hash, sealed FROM events WHERE seq = 7");
    }
    assertInvalidAt(8, "column seq disagrees");
  }

  @Test
  void truncatedTailIsNotDetectableWithoutACheckpoint() throws Exception {
    try (Tamper t = new Tamper(db)) {
      t.sql("DELETE FROM events WHERE seq = 7");
    }
    Ctl.Run run = verifyS1();
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("events=7  head=" + s1.get(6).hash());
  }

  @Test
  void everyChainOfEveryTenantIsVerifiedByDefault() throws Exception {
    TestChains.store(db, "default", "s2", 5, false, TestChains.T0 + 1000);
    TestChains.store(db, "acme", "a1", 3, false, TestChains.T0 + 2000);
    try (Tamper t = new Tamper(db)) {
      t.flipSealedByte("s2", 1, 10);
    }
    Ctl.Run run = Ctl.run("verify", "--store", url);
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out().lines())
        .containsExactly(
            "valid    default/s1  events=8  head=" + s1.get(7).hash(),
            "INVALID  default/s2  events=5  first_bad_seq=1  reason=hash mismatch: stored hash is"
                + " not SHA-256 of the sealed bytes",
            "valid    acme/a1  events=3  head="
                + TestChains.chain("acme", "a1", 3, false, TestChains.T0 + 2000).get(2).hash(),
            "3 chains: 2 valid, 1 invalid");

    Ctl.Run acme = Ctl.run("verify", "--store", url, "--tenant", "acme");
    assertThat(acme.exit()).isZero();
    assertThat(acme.out()).startsWith("valid    acme/a1  events=3").doesNotContain("default/");
  }

  @Test
  void jsonReportIsMachineReadable() throws Exception {
    TestChains.store(db, "default", "s2", 5, false);
    try (Tamper t = new Tamper(db)) {
      t.sql("DELETE FROM events WHERE session_id = 's2' AND seq = 2");
    }
    Ctl.Run run = Ctl.run("verify", "--store", url, "--tenant", "default", "--json");
    assertThat(run.exit()).isEqualTo(1);
    JsonNode doc = Json.parseTrusted(run.out());
    assertThat(doc.get("source").asText()).contains("chain.db");
    assertThat(doc.get("valid").asBoolean()).isFalse();
    JsonNode ok = doc.get("chains").get(0);
    assertThat(ok.get("session_id").asText()).isEqualTo("s1");
    assertThat(ok.get("valid").asBoolean()).isTrue();
    assertThat(ok.get("events").asLong()).isEqualTo(8);
    assertThat(ok.get("head_hash").asText()).isEqualTo(s1.get(7).hash());
    assertThat(ok.get("first_bad_seq").isNull()).isTrue();
    assertThat(ok.get("reason").isNull()).isTrue();
    JsonNode bad = doc.get("chains").get(1);
    assertThat(bad.get("tenant_id").asText()).isEqualTo("default");
    assertThat(bad.get("valid").asBoolean()).isFalse();
    assertThat(bad.get("events").asLong()).isEqualTo(4);
    assertThat(bad.get("first_bad_seq").asLong()).isEqualTo(2);
    assertThat(bad.get("reason").asText()).startsWith("gap: seq 2 is missing");
    assertThat(bad.get("head_hash").isNull()).isTrue();
  }

  @Test
  void unknownSessionIsAConfigurationError() {
    Ctl.Run run = Ctl.run("verify", "--store", url, "--session", "nope");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("aegisctl: no such session: default/nope in ");
    assertThat(run.err().lines()).hasSize(1);

    Ctl.Run tenant = Ctl.run("verify", "--store", url, "--tenant", "acme");
    assertThat(tenant.exit()).isEqualTo(2);
    assertThat(tenant.err())
        .startsWith("aegisctl: nothing to verify: no chains of tenant acme in ");
  }

  @Test
  void badStoreUrlIsAConfigurationError() {
    Ctl.Run run = Ctl.run("verify", "--store", "mysql://nowhere/db");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("aegisctl: bad store configuration: ");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void unreachableStoreIsAConfigurationError() {
    Ctl.Run run = Ctl.run("verify", "--store", "postgresql://aegis@127.0.0.1:1/aegis");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("aegisctl: store unavailable: ");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void fileCannotBeCombinedWithAStore() {
    Ctl.Run run = Ctl.run("verify", "--store", url, "--file", "x.ndjson");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "aegisctl: --file cannot be combined with --store, --tenant or --session"
                + System.lineSeparator()
                + "Try 'aegisctl verify --help' for more information."
                + System.lineSeparator());
  }

  private static ChainRecord reseal(ChainRecord template, long seq, String prev) {
    Envelope e = EnvelopeHasher.parse(template.sealed());
    com.fasterxml.jackson.databind.node.ObjectNode payload = e.payload().deepCopy();
    payload.put("forged", true);
    Envelope forged =
        new Envelope(
            e.tenantId(),
            e.userId(),
            e.sessionId(),
            seq,
            e.tsUnixMs(),
            e.eventType(),
            payload,
            prev);
    return ChainRecord.of(EnvelopeHasher.seal(forged), template.body());
  }

  private static void insert(Tamper t, ChainRecord r) throws Exception {
    t.sql(
        "INSERT INTO events (tenant_id, session_id, seq, ts_unix_ms, event_type, user_id,"
            + " prev_hash, hash, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        r.tenantId(),
        r.sessionId(),
        r.seq(),
        r.tsUnixMs(),
        r.eventType(),
        r.userId(),
        r.prevHash(),
        r.hash(),
        r.sealed());
    if (r.body() != null) {
      t.sql(
          "INSERT INTO bodies (tenant_id, session_id, seq, body) VALUES (?, ?, ?, ?)",
          r.tenantId(),
          r.sessionId(),
          r.seq(),
          r.body());
    }
  }
}
