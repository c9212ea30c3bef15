package dev.aegis.core.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Signs and stores the checkpoints of one proxy's chains: how often ({@code every} events), with
 * which key (none: unsigned checkpoints), and where. {@link
 * dev.aegis.core.pipeline.SessionChain#checkpoints} installs it; the chain decides when.
 *
 * <p>Threading: {@link #record} may be called from any thread; a checkpoint is written on this
 * checkpointer's own thread once its event is durable (never blocking a seal or a store thread).
 * Failures: a checkpoint that cannot be stored is logged and skipped (the chain goes on; verify
 * then reports the checkpoint as missing).
 */
public final class Checkpointer implements AutoCloseable {
  /** Default {@code --checkpoint-every}. */
  public static final int DEFAULT_EVERY = 1000;

  private static final System.Logger LOG = System.getLogger(Checkpointer.class.getName());

  private final CheckpointStore store;
  private final CheckpointSigner signer;
  private final int every;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "aegis-checkpoints");
            t.setDaemon(true);
            return t;
          });

  /**
   * Checkpoints every {@code every} events (> 0) into {@code store}, signed by {@code signer}
   * (null: unsigned).
   */
  public Checkpointer(CheckpointStore store, CheckpointSigner signer, int every) {
    this.store = requireNonNull(store, "store");
    this.signer = signer;
    if (every <= 0) {
      throw new IllegalArgumentException("checkpoint-every: " + every + " (expected: > 0)");
    }
    this.every = every;
  }

  /** Events between checkpoints. */
  public int every() {
    return every;
  }

  /** The signing key's id, or null when checkpoints are unsigned. */
  public String keyId() {
    return signer == null ? null : signer.keyId();
  }

  /**
   * Stores the checkpoint of a sealed event once {@code durable} completes (never for an event that
   * failed to be stored). The returned future completes when the checkpoint is stored or given up
   * on.
   */
  public CompletableFuture<Void> record(
      EnvelopeHasher.Sealed sealed, CompletableFuture<Void> durable) {
    Envelope e = sealed.envelope();
    Checkpoint c =
        Checkpoint.unsigned(e.tenantId(), e.sessionId(), e.seq(), sealed.hash(), e.tsUnixMs());
    return durable
        .thenRunAsync(() -> store.put(signer == null ? c : signer.sign(c)), writer)
        .exceptionally(
            err -> {
              LOG.log(System.Logger.Level.ERROR, "checkpoint " + c + " not stored: " + err);
              return null;
            });
  }

  /** Waits (up to 30 s) for checkpoints being written, then stops the writer thread. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "Checkpointer[every " + every + ", " + (signer == null ? "unsigned" : signer) + "]";
  }
}
