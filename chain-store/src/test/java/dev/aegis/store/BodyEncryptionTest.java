package dev.aegis.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.Redaction;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.event.Hex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frame bodies encrypted at rest with per-tenant keys, read back, shredded and tampered with. */
class BodyEncryptionTest {
  private static final byte[] SECRET =
      "{\"jsonrpc\":\"2.0\",\"secret\":\"hunter2\"}".getBytes(UTF_8);

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("chain.db");
  }

  private BodyKeys keys() {
    return BodyKeys.in(dir.resolve("keys"));
  }

  /** Seals SESSION_STARTED and three frames of acme/s (the second one the secret) into a store. */
  private List<ChainRecord> record(BodyKeys keys) {
    ChainBuilder chain = new ChainBuilder("acme", "s", 7);
    List<ChainRecord> records =
        List.of(chain.next(), chain.next(), chain.frame(SECRET), chain.next());
    // no keys: also none from the environment ($AEGIS_BODY_KEYS of whoever runs the tests)
    try (ChainStore store =
        keys == null
            ? ChainStores.open("sqlite:" + file(), Durability.FULL, Map.of())
            : ChainStores.open("sqlite:" + file(), Durability.FULL, keys)) {
      CompletableFuture.allOf(records.stream().map(store::append).toArray(CompletableFuture[]::new))
          .join();
    }
    return records;
  }

  private static List<ChainRecord> read(ChainStore store) {
    List<ChainRecord> out = new ArrayList<>();
    store.read("acme", "s", out::add);
    return out;
  }

  private static VerifyResult verify(List<ChainRecord> records, List<Long> erased) {
    ChainVerifier v = new ChainVerifier("acme", "s");
    v.redactions(erased);
    records.forEach(v::accept);
    return v.result();
  }

  private byte[] storedBody(long seq) throws Exception {
    try (Connection c = SqliteChainStoreTest.connect(file());
        PreparedStatement ps =
            c.prepareStatement("SELECT body FROM bodies WHERE tenant_id='acme' AND seq=?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getBytes(1);
      }
    }
  }

  @Test
  void bodiesAreStoredEncryptedAndReadBackInClear() throws Exception {
    List<ChainRecord> written = record(keys());

    byte[] stored = storedBody(2);
    assertThat(BodyCipher.encrypted(stored)).isTrue();
    assertThat(new String(stored, UTF_8)).doesNotContain("hunter2");

    try (ChainStore store = ChainStores.openExisting("sqlite:" + file(), keys())) {
      List<ChainRecord> back = read(store);
      assertThat(back.get(2).body()).isEqualTo(SECRET);
      for (int i = 1; i < written.size(); i++) {
        assertThat(back.get(i).body()).isEqualTo(written.get(i).body());
      }
      assertThat(verify(back, List.of()).valid()).isTrue();
      assertThat(ChainStores.unreadableBodies(store, "acme", "s")).isEmpty();
    }
    Path key = keys().file("acme");
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void withoutTheKeyBodiesReadAsAbsentAndTheChainStillVerifiesAsErased() {
    record(keys());
    assertThat(keys().shred("acme")).isTrue();
    assertThat(keys().shred("acme")).isFalse();

    try (ChainStore store = ChainStores.openExisting("sqlite:" + file(), keys())) {
      List<ChainRecord> back = read(store);
      assertThat(back).allSatisfy(r -> assertThat(r.body()).isNull());
      List<Long> shredded = ChainStores.unreadableBodies(store, "acme", "s");
      assertThat(shredded).containsExactly(1L, 2L, 3L);
      assertThat(verify(back, List.of()).valid()).isFalse();
      VerifyResult result = verify(back, shredded);
      assertThat(result.valid()).isTrue();
    }
    // a reader given no keys at all sees the same
    try (ChainStore store = ChainStores.openExisting("sqlite:" + file(), null)) {
      assertThat(ChainStores.unreadableBodies(store, "acme", "s")).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void aReplacedKeyDoesNotOpenOldBodiesAndNewBodiesUseIt() {
    record(keys());
    keys().shred("acme");
    ChainBuilder other = new ChainBuilder("acme", "t", 9);
    try (ChainStore store = ChainStores.open("sqlite:" + file(), Durability.FULL, keys())) {
      store.append(other.next()).join();
      store.append(other.frame(SECRET)).join();
      assertThat(ChainStores.unreadableBodies(store, "acme", "s")).containsExactly(1L, 2L, 3L);
      List<ChainRecord> t = new ArrayList<>();
      store.read("acme", "t", t::add);
      assertThat(t.get(1).body()).isEqualTo(SECRET);
    }
  }

  @Test
  void aCiphertextMovedToAnotherRowOrAlteredIsReportedAsTampered() throws Exception {
    record(keys());
    try (Connection c = SqliteChainStoreTest.connect(file());
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER IF EXISTS bodies_no_update");
      // seq 3 gets seq 1's ciphertext: the associated data (seq) no longer matches
      s.execute(
          "UPDATE bodies SET body = (SELECT body FROM bodies WHERE seq = 1 AND tenant_id='acme')"
              + " WHERE seq = 3 AND tenant_id = 'acme'");
      Tamper.flipByte(c, "bodies", "body", 2);
    }
    try (ChainStore store = ChainStores.openExisting("sqlite:" + file(), keys())) {
      List<ChainRecord> back = read(store);
      VerifyResult result = verify(back, ChainStores.unreadableBodies(store, "acme", "s"));
      assertThat(result.valid()).isFalse();
      assertThat(result.firstBadSeq()).isEqualTo(2L);
    }
  }

  @Test
  void aRedactionOfAnEncryptedBodyRecordsTheClearFramesDigest() {
    record(keys());
    try (ChainStore store = ChainStores.openExisting("sqlite:" + file(), keys())) {
      Redaction r = ChainStores.redactions(store).redact("acme", "s", 2, "secret", "ops", 1L);
      assertThat(r.bodySha256()).isEqualTo(Hex.sha256(SECRET));
      assertThat(verify(read(store), List.of(2L)).valid()).isTrue();
    }
  }

  @Test
  void withoutKeysBodiesStayInClear() throws Exception {
    record(null);
    assertThat(storedBody(2)).isEqualTo(SECRET);
    assertThat(Files.exists(dir.resolve("keys"))).isFalse();
  }
}
