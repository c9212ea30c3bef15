package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.EventType;
import dev.aegis.core.json.Json;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Seals one session's events: assigns seq, timestamp and previous hash, hashes, and queues the
 * record on the store. Resumes from the stored head, so a restarted proxy continues its chain.
 *
 * <p>Threading: {@link #seal} is synchronized, which gives one total order across both directions;
 * the store commits asynchronously. Timestamps never go backwards within a chain. A failed append
 * breaks the chain in memory (later records would link to a hash the store lacks), so after the
 * first failure every {@code seal} throws that failure: new requests fail closed.
 */
public final class SessionChain {
  private static final System.Logger LOG = System.getLogger(SessionChain.class.getName());

  private final ChainStore store;
  private final InstantSource clock;
  private final String tenantId;
  private final String userId;
  private final String sessionId;
  private long nextSeq;
  private String headHash;
  private long lastTs;
  private volatile ChainStoreException failure;
  private Consumer<Envelope> observer = e -> {};
  private Checkpointer checkpointer;
  private long sinceCheckpoint;
  private volatile SealOrder order = SealOrder.ANY;

  private SessionChain(
      ChainStore store,
      InstantSource clock,
      String tenantId,
      String userId,
      String sessionId,
      ChainHead head) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.tenantId = requireNonNull(tenantId, "tenantId");
    this.userId = userId == null ? "" : userId;
    this.sessionId = requireNonNull(sessionId, "sessionId");
    if (head != null) {
      this.nextSeq = head.seq() + 1;
      this.headHash = head.hash();
      this.lastTs = head.tsUnixMs();
    }
  }

  /** Opens the chain of (tenant, session), continuing after its stored head if it exists. */
  public static SessionChain open(
      ChainStore store, InstantSource clock, String tenantId, String userId, String sessionId) {
    ChainHead head = store.head(tenantId, sessionId).orElse(null);
    return new SessionChain(store, clock, tenantId, userId, sessionId, head);
  }

  /**
   * Installs the observer that sees every event this chain seals from now on, in seq order, under
   * the seal lock (the guard's reducer). Install it before the first seal.
   */
  public synchronized void observe(Consumer<Envelope> observer) {
    this.observer = requireNonNull(observer, "observer");
  }

  /**
   * Installs signed checkpoints: from now on, after every {@link Checkpointer#every} events this
   * chain seals a CHECKPOINT_CREATED event and has its checkpoint stored, and {@link #terminate}
   * checkpoints the TERMINATION event. Install it before the first seal; null turns them off.
   */
  public synchronized void checkpoints(Checkpointer checkpointer) {
    this.checkpointer = checkpointer;
    this.sinceCheckpoint = 0;
  }

  /**
   * Installs the order seals must follow from now on ({@link SealOrder#ANY} by default; a replay
   * installs the recorded one). Install it before the first seal.
   */
  public void order(SealOrder order) {
    this.order = requireNonNull(order, "order");
  }

  /** One sealed event and the future that completes when it is durable. */
  public record Sealing(EnvelopeHasher.Sealed sealed, CompletableFuture<Void> durable) {
    /** The event's seq. */
    public long seq() {
      return sealed.envelope().seq();
    }
  }

  /**
   * Seals an event with an optional body (exact bytes committed to by the payload's {@code
   * body_sha256}, which the caller computed). Throws {@link ChainStoreException} if the chain is
   * broken by an earlier failure.
   */
  public Sealing seal(EventType type, JsonNode payload, byte[] body) {
    SealOrder o = order;
    o.before(type, payload);
    synchronized (this) {
      return sealInOrder(o, type, payload, body);
    }
  }

  private Sealing sealInOrder(SealOrder o, EventType type, JsonNode payload, byte[] body) {
    ChainStoreException broken = failure;
    if (broken != null) {
      o.after();
      throw broken;
    }
    long ts = Math.max(clock.millis(), lastTs);
    Envelope e =
        new Envelope(tenantId, userId, sessionId, nextSeq, ts, type.name(), payload, headHash);
    EnvelopeHasher.Sealed sealed = EnvelopeHasher.seal(e);
    CompletableFuture<Void> durable = store.append(ChainRecord.of(sealed, body));
    durable.whenComplete((ok, err) -> noteFailure(err));
    nextSeq++;
    headHash = sealed.hash();
    lastTs = ts;
    o.after();
    observer.accept(sealed.envelope());
    Sealing result = new Sealing(sealed, durable);
    if (checkpointer != null
        && type != EventType.CHECKPOINT_CREATED
        && type != EventType.TERMINATION) {
      if (++sinceCheckpoint >= checkpointer.every()) {
        checkpoint();
      }
    }
    return result;
  }

  /** Seals CHECKPOINT_CREATED (under the seal lock) and has its checkpoint stored once durable. */
  private void checkpoint() {
    sinceCheckpoint = 0;
    ObjectNode payload = Json.object();
    payload.put("reason", "interval");
    payload.put("every", checkpointer.every());
    describeKey(payload);
    // under the seal lock, right after the event that made it due: it takes the next turn
    // without asking the order (which must not block while the lock is held)
    Sealing s = sealInOrder(order, EventType.CHECKPOINT_CREATED, payload, null);
    checkpointer.record(s.sealed(), s.durable());
  }

  private void describeKey(ObjectNode payload) {
    if (checkpointer.keyId() != null) {
      payload.put("key_id", checkpointer.keyId());
    } else {
      payload.put("signed", false);
    }
  }

  /**
   * Seals TERMINATION with {@code info} and waits until it is durable and, with checkpoints on,
   * until its checkpoint is stored (the payload then says {@code "checkpoint": true}, so verify
   * expects one at that seq). Throws as {@link #seal} does, or if the event could not be stored.
   */
  public Sealing terminate(ObjectNode info) {
    Sealing s;
    Checkpointer c;
    SealOrder o = order;
    o.before(EventType.TERMINATION, info); // before the lock, as seal does
    synchronized (this) {
      c = checkpointer;
      if (c != null) {
        info.put("checkpoint", true);
        describeKey(info);
      }
      s = sealInOrder(o, EventType.TERMINATION, info, null);
    }
    s.durable().join();
    if (c != null) {
      c.record(s.sealed(), s.durable()).join();
    }
    return s;
  }

  private void noteFailure(Throwable err) {
    if (err == null || failure != null) {
      return;
    }
    Throwable cause =
        err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
    ChainStoreException f =
        cause instanceof ChainStoreException
            ? (ChainStoreException) cause
            : new ChainStoreException(
                ChainStoreException.Reason.STORE_UNAVAILABLE, String.valueOf(cause), cause);
    failure = f;
    LOG.log(
        System.Logger.Level.ERROR,
        "chain "
            + tenantId
            + "/"
            + sessionId
            + " stopped sealing: "
            + f.reason()
            + ": "
            + f.getMessage()
            + " (new requests are refused; restart to resume from the last durable event)");
  }

  /** The failure that broke the chain, or null while it is healthy. */
  public ChainStoreException failure() {
    return failure;
  }

  /** The tenant id. */
  public String tenantId() {
    return tenantId;
  }

  /** The session id. */
  public String sessionId() {
    return sessionId;
  }

  /** The seq the next event will get. */
  public synchronized long nextSeq() {
    return nextSeq;
  }
}
