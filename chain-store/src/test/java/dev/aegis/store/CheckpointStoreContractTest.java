package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.Redaction;
import dev.aegis.core.chain.RedactionStore;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.checkpoint.Checkpoint;
import dev.aegis.core.checkpoint.CheckpointProblem;
import dev.aegis.core.checkpoint.CheckpointSigner;
import dev.aegis.core.checkpoint.CheckpointStore;
import dev.aegis.core.checkpoint.CheckpointVerifier;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the checkpoints and redactions tables every store must meet, on a real database
 * per subclass: checkpoints round-trip and are append-only, and outlive a truncated chain; a body
 * can be removed only together with a redaction row, and the chain then still verifies.
 */
abstract class CheckpointStoreContractTest {
  static final String T = "acme";
  static final String S = "s";

  /** Opens a new store instance on this test's database. */
  abstract ChainStore open();

  /** A raw autocommit connection to this test's database with owner rights. */
  abstract Connection connect() throws SQLException;

  /**
   * As an attacker with owner rights would: lifts the append-only triggers of events and bodies.
   */
  abstract void disableAppendOnly(Statement s, String table) throws SQLException;

  /** Releases this test's database after its stores are closed. */
  void dropDatabase() {}

  ChainStore store;
  CheckpointStore checkpoints;
  RedactionStore redactions;
  final KeyPair keys = ed25519();
  final CheckpointSigner signer = new CheckpointSigner(keys.getPrivate(), keys.getPublic());

  @BeforeEach
  void openStore() {
    store = open();
    checkpoints = ChainStores.checkpoints(store);
    redactions = ChainStores.redactions(store);
  }

  @AfterEach
  void closeStore() {
    store.close();
    dropDatabase();
  }

  static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Appends 20 events of acme/s (bodies from seq 1) and returns them. */
  List<ChainRecord> chain() {
    List<ChainRecord> records = new ChainBuilder(T, S, 7).next(20);
    records.forEach(r -> store.append(r).join());
    return records;
  }

  Checkpoint checkpointAt(ChainRecord r) {
    return signer.sign(Checkpoint.unsigned(T, S, r.seq(), r.hash(), r.tsUnixMs()));
  }

  List<CheckpointProblem> problems(boolean withKey) {
    CheckpointVerifier v =
        new CheckpointVerifier(checkpoints.list(T, S), withKey ? keys.getPublic() : null, true);
    store.read(T, S, v::accept);
    return v.problems();
  }

  @Test
  void checkpointsComeBackExactlyAndAnIdenticalPutIsANoOp() {
    List<ChainRecord> records = chain();
    Checkpoint signed = checkpointAt(records.get(9));
    Checkpoint unsigned =
        Checkpoint.unsigned(T, S, 19, records.get(19).hash(), records.get(19).tsUnixMs());
    checkpoints.put(signed);
    checkpoints.put(unsigned);
    checkpoints.put(signed);
    assertThat(checkpoints.list(T, S)).containsExactly(signed, unsigned);
    assertThat(checkpoints.all(T)).containsExactly(signed, unsigned);
    assertThat(checkpoints.list(T, "other")).isEmpty();
    assertThat(CheckpointSigner.verifies(checkpoints.list(T, S).get(0), keys.getPublic())).isTrue();
    Checkpoint different = checkpointAt(records.get(8));
    Checkpoint clash = new Checkpoint(T, S, 9, different.headHash(), 1, null, null);
    assertThatThrownBy(() -> checkpoints.put(clash))
        .isInstanceOfSatisfying(
            ChainStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(ChainStoreException.Reason.CHAIN_CONFLICT));
  }

  @Test
  void checkpointsAndRedactionsAreAppendOnly() throws SQLException {
    List<ChainRecord> records = chain();
    checkpoints.put(checkpointAt(records.get(5)));
    redactions.redact(T, S, 3, "secret", "alice", 1);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM checkpoints"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.executeUpdate("UPDATE checkpoints SET ts_unix_ms = 0"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM redactions"))
          .hasMessageContaining("append-only");
    }
  }

  @Test
  void aBodyGoesOnlyWithARedactionRowAndTheChainStillVerifies() throws SQLException {
    List<ChainRecord> records = chain();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM bodies WHERE seq = 4"))
          .hasMessageContaining("append-only");
    }
    Redaction r = redactions.redact(T, S, 4, "leaked token", "alice", 1234);
    assertThat(r.bodySha256()).isEqualTo(dev.aegis.core.event.Hex.sha256(records.get(4).body()));
    assertThat(redactions.list(T, S)).containsExactly(r);
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("UPDATE bodies SET body = body WHERE seq = 5"))
          .as("bodies are never updated")
          .hasMessageContaining("append-only");
    }
    assertThatThrownBy(() -> redactions.redact(T, S, 4, "again", "alice", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no stored body");
    assertThatThrownBy(() -> redactions.redact(T, S, 0, "none", "alice", 1))
        .as("seq 0 has no body")
        .isInstanceOf(IllegalArgumentException.class);

    ChainVerifier plain = new ChainVerifier(T, S);
    store.read(T, S, plain::accept);
    assertThat(plain.result().valid()).as("without the redactions: a missing body").isFalse();
    ChainVerifier v = new ChainVerifier(T, S);
    v.redactions(redactions.list(T, S).stream().map(Redaction::seq).collect(Collectors.toSet()));
    store.read(T, S, v::accept);
    VerifyResult result = v.result();
    assertThat(result.valid()).as(result.reason()).isTrue();
    assertThat(v.redacted()).containsExactly(4L);
  }

  @Test
  void aTruncatedChainIsCaughtByTheCheckpointsLeftBehind() throws SQLException {
    List<ChainRecord> records = chain();
    checkpoints.put(checkpointAt(records.get(9)));
    checkpoints.put(checkpointAt(records.get(19)));
    assertThat(problems(true)).isEmpty();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      disableAppendOnly(s, "events");
      disableAppendOnly(s, "bodies");
      s.executeUpdate("DELETE FROM bodies WHERE seq >= 15");
      s.executeUpdate("DELETE FROM events WHERE seq >= 15");
    }
    ChainVerifier v = new ChainVerifier(T, S);
    store.read(T, S, v::accept);
    assertThat(v.result().valid()).as("the chain alone looks fine").isTrue();
    assertThat(problems(true))
        .extracting(CheckpointProblem::kind, CheckpointProblem::seq)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(CheckpointProblem.Kind.TRUNCATED, 19L));
  }

  @Test
  void aChainRewrittenFromGenesisFailsEverySignedCheckpoint() throws SQLException {
    List<ChainRecord> records = chain();
    checkpoints.put(checkpointAt(records.get(9)));
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      disableAppendOnly(s, "events");
      disableAppendOnly(s, "bodies");
      s.executeUpdate("DELETE FROM bodies");
      s.executeUpdate("DELETE FROM events");
    }
    new ChainBuilder(T, S, 99).next(20).forEach(r -> store.append(r).join());
    List<CheckpointProblem.Kind> kinds = new ArrayList<>();
    problems(true).forEach(p -> kinds.add(p.kind()));
    assertThat(kinds)
        .containsExactly(CheckpointProblem.Kind.REWRITTEN, CheckpointProblem.Kind.UNANCHORED);
    assertThat(new HashSet<>(problems(false)))
        .extracting(CheckpointProblem::kind)
        .containsExactly(CheckpointProblem.Kind.REWRITTEN);
  }
}
