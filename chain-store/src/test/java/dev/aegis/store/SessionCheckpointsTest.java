package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.checkpoint.Checkpoint;
import dev.aegis.core.checkpoint.CheckpointSigner;
import dev.aegis.core.checkpoint.CheckpointStore;
import dev.aegis.core.checkpoint.CheckpointVerifier;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.core.event.EventType;
import dev.aegis.core.json.Json;
import dev.aegis.core.pipeline.SessionChain;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core's checkpoint hook (SessionChain + Checkpointer) against a real SQLite store. */
final class SessionCheckpointsTest {
  @TempDir Path dir;

  private List<ChainRecord> sealSession(ChainStore store, Checkpointer checkpointer) {
    SessionChain chain = SessionChain.open(store, InstantSource.system(), "acme", "", "s1");
    chain.checkpoints(checkpointer);
    for (int i = 0; i < 25; i++) {
      chain.seal(EventType.MCP_FRAME, Json.object().put("i", i), null);
    }
    chain.terminate(Json.object().put("reason", "test"));
    List<ChainRecord> records = new ArrayList<>();
    store.read("acme", "s1", records::add);
    return records;
  }

  @Test
  void everyNEventsAndAtTerminationASignedCheckpointIsStored() {
    KeyPair keys = CheckpointStoreContractTest.ed25519();
    try (ChainStore store = ChainStores.open("sqlite:" + dir.resolve("c.db"), Durability.FULL);
        Checkpointer cp =
            new Checkpointer(
                ChainStores.checkpoints(store),
                new CheckpointSigner(keys.getPrivate(), keys.getPublic()),
                10)) {
      List<ChainRecord> records = sealSession(store, cp);
      assertThat(records).hasSize(28);
      assertThat(records.get(10).eventType()).isEqualTo("CHECKPOINT_CREATED");
      assertThat(records.get(21).eventType()).isEqualTo("CHECKPOINT_CREATED");
      assertThat(records.get(27).eventType()).isEqualTo("TERMINATION");
      CheckpointStore checkpoints = ChainStores.checkpoints(store);
      assertThat(checkpoints.list("acme", "s1"))
          .extracting(Checkpoint::seq)
          .containsExactly(10L, 21L, 27L);
      assertThat(checkpoints.list("acme", "s1"))
          .allSatisfy(c -> assertThat(CheckpointSigner.verifies(c, keys.getPublic())).isTrue());
      CheckpointVerifier v =
          new CheckpointVerifier(checkpoints.list("acme", "s1"), keys.getPublic(), true);
      records.forEach(v::accept);
      assertThat(v.problems()).isEmpty();
    }
  }

  @Test
  void withoutAKeyCheckpointsAreUnsignedAndAKeyedVerifyRefusesThem() {
    KeyPair keys = CheckpointStoreContractTest.ed25519();
    try (ChainStore store = ChainStores.open("sqlite:" + dir.resolve("c.db"), Durability.FULL);
        Checkpointer cp = new Checkpointer(ChainStores.checkpoints(store), null, 10)) {
      List<ChainRecord> records = sealSession(store, cp);
      List<Checkpoint> stored = ChainStores.checkpoints(store).list("acme", "s1");
      assertThat(stored).hasSize(3).noneMatch(Checkpoint::signed);
      CheckpointVerifier unkeyed = new CheckpointVerifier(stored, null, true);
      records.forEach(unkeyed::accept);
      assertThat(unkeyed.problems()).isEmpty();
      CheckpointVerifier keyed = new CheckpointVerifier(stored, keys.getPublic(), true);
      records.forEach(keyed::accept);
      assertThat(keyed.problems())
          .extracting(p -> p.kind().name())
          .containsExactly("UNSIGNED", "UNSIGNED", "UNSIGNED", "UNANCHORED");
    }
  }

  @Test
  void aDroppedCheckpointIsMissingWhereTheChainAnnouncesIt() {
    try (ChainStore store = ChainStores.open("sqlite:" + dir.resolve("c.db"), Durability.FULL);
        Checkpointer cp = new Checkpointer(ChainStores.checkpoints(store), null, 10)) {
      List<ChainRecord> records = sealSession(store, cp);
      List<Checkpoint> stored = new ArrayList<>(ChainStores.checkpoints(store).list("acme", "s1"));
      stored.remove(1);
      CheckpointVerifier v = new CheckpointVerifier(stored, null, true);
      records.forEach(v::accept);
      assertThat(v.problems())
          .extracting(p -> p.kind() + "@" + p.seq())
          .containsExactly("MISSING@21");
      CheckpointVerifier witness = new CheckpointVerifier(stored.subList(0, 1), null, false);
      records.forEach(witness::accept);
      assertThat(witness.problems()).as("a witness copy may end early").isEmpty();
    }
  }
}
