package dev.aegis.core.pipeline;

import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A store whose commits the test completes by hand: the one fault a real database cannot be made to
 * produce on cue (a commit that is slow, then fails). Real stores are tested in chain-store.
 */
final class ManualStore implements ChainStore {
  final List<ChainRecord> appended = new ArrayList<>();
  final List<CompletableFuture<Void>> commits = new ArrayList<>();
  private boolean auto;

  /** From now on every append is durable at once. */
  synchronized void autoCommit() {
    auto = true;
    commitAll();
  }

  @Override
  public synchronized CompletableFuture<Void> append(ChainRecord record) {
    appended.add(record);
    if (auto) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    commits.add(f);
    return f;
  }

  synchronized void commitAll() {
    commits.forEach(f -> f.complete(null));
  }

  @Override
  public Optional<ChainHead> head(String tenantId, String sessionId) {
    return Optional.empty();
  }

  @Override
  public void read(String tenantId, String sessionId, Consumer<ChainRecord> sink) {
    appended.forEach(sink);
  }

  @Override
  public List<SessionSummary> sessions(String tenantId) {
    return List.of();
  }

  @Override
  public String describe() {
    return "manual";
  }

  @Override
  public Durability durability() {
    return Durability.FULL;
  }

  @Override
  public void close() {}
}
