package dev.aegis.store;

import static dev.aegis.store.ChainStoreContractTest.appendAll;
import static dev.aegis.store.ChainStoreContractTest.verify;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import dev.aegis.core.chain.Durability;
import dev.aegis.store.HeadCache.Head;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One group commit, driven directly so the batch's make-up is exact. */
final class BatchCommitterTest {
  @TempDir Path dir;

  @Test
  void aClashMidBatchFailsThatRecordAndWhatLinksOnItButCommitsTheRest() throws Exception {
    try (SqliteChainStore store = SqliteChainStore.open(dir.resolve("c.db"), Durability.FULL)) {
      ChainBuilder theirs = new ChainBuilder("acme", "s", 1);
      List<ChainRecord> shared = theirs.next(5);
      appendAll(store, shared);
      ChainBuilder ours = theirs.fork(9);
      store.append(theirs.next()).join(); // another writer stores seq 5 first

      HeadCache stale = new HeadCache(16);
      stale.putAll(Map.of(new ChainKey("acme", "s"), new Head(4, shared.get(4).hash())));
      List<ChainRecord> batch =
          List.of(ours.next(), ours.next(), new ChainBuilder("acme", "t", 2).next());
      ChainStoreException[] out;
      try (Connection c = store.connectWriter()) {
        out = new BatchCommitter(store, stale).commit(c, batch);
      }

      assertThat(out[0].reason()).isEqualTo(Reason.CHAIN_CONFLICT);
      assertThat(out[0]).hasMessageContaining("acme/s seq 5: seq 5 was stored by another writer");
      assertThat(out[1].reason()).isEqualTo(Reason.CHAIN_CONFLICT);
      assertThat(out[1]).hasMessageContaining("prev_hash does not match the hash of stored seq 5");
      assertThat(out[2]).isNull();
      assertThat(verify(store, "acme", "s").events()).isEqualTo(6);
      assertThat(verify(store, "acme", "t").valid()).isTrue();
    }
  }

  @Test
  void linkProblemsNameWhatIsWrong() {
    ChainBuilder b = new ChainBuilder("acme", "s", 1);
    List<ChainRecord> rs = b.next(3);
    Head head1 = new Head(1, rs.get(1).hash());
    assertThat(BatchCommitter.linkProblem(Head.EMPTY, rs.get(0))).isNull();
    assertThat(BatchCommitter.linkProblem(head1, rs.get(2))).isNull();
    assertThat(BatchCommitter.linkProblem(head1, rs.get(1)))
        .isEqualTo("seq 1 is already stored (the stored head is seq 1)");
    assertThat(BatchCommitter.linkProblem(Head.EMPTY, rs.get(2)))
        .isEqualTo("seq 2 would leave a gap (the chain is empty)");
    assertThat(BatchCommitter.linkProblem(new Head(1, rs.get(0).hash()), rs.get(2)))
        .isEqualTo("prev_hash does not match the hash of stored seq 1");
  }
}
