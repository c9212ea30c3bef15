package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded queue in front of a writer: record and byte budgets, batches, close. */
final class AppendQueueTest {
  private final ChainBuilder chain = new ChainBuilder("acme", "s", 1);

  private PendingAppend pending() {
    return new PendingAppend(chain.next());
  }

  @Test
  void aFullQueueRefusesAfterTheWait() throws InterruptedException {
    AppendQueue q = new AppendQueue(new LaneConfig(2, 1 << 20, 10, 1 << 20, Duration.ZERO));
    assertThat(q.offer(pending())).isTrue();
    assertThat(q.offer(pending())).isTrue();
    assertThat(q.offer(pending())).isFalse();
    assertThat(q.take()).hasSize(2);
    assertThat(q.offer(pending())).isTrue();
  }

  @Test
  void theByteBudgetAdmitsAnOversizedRecordOnlyIntoAnEmptyQueue() throws InterruptedException {
    AppendQueue q = new AppendQueue(new LaneConfig(100, 1000, 10, 1000, Duration.ZERO));
    chain.next();
    ChainRecord big = chain.frame(new byte[5000]);
    assertThat(q.offer(new PendingAppend(big))).isTrue();
    assertThat(q.offer(pending())).isFalse();
    assertThat(q.take()).extracting(PendingAppend::record).containsExactly(big);
  }

  @Test
  void takeHonoursTheBatchLimitsAndKeepsOrder() throws InterruptedException {
    AppendQueue q = new AppendQueue(new LaneConfig(100, 1 << 20, 3, 1 << 20, Duration.ZERO));
    List<PendingAppend> all = List.of(pending(), pending(), pending(), pending(), pending());
    for (PendingAppend p : all) {
      assertThat(q.offer(p)).isTrue();
    }
    assertThat(q.take()).containsExactlyElementsOf(all.subList(0, 3));
    assertThat(q.take()).containsExactlyElementsOf(all.subList(3, 5));
  }

  @Test
  void closeRefusesNewAppendsButHandsOverQueuedOnes() throws InterruptedException {
    AppendQueue q = new AppendQueue(LaneConfig.DEFAULT);
    PendingAppend queued = pending();
    assertThat(q.offer(queued)).isTrue();
    q.close();
    assertThatThrownBy(() -> q.offer(pending()))
        .isInstanceOfSatisfying(
            ChainStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORE_CLOSED));
    assertThat(q.take()).containsExactly(queued);
    assertThat(q.take()).isEmpty();
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> new LaneConfig(0, 1, 1, 1, Duration.ZERO))
        .hasMessage("queueRecords: 0 (expected: > 0)");
  }
}
