package dev.aegis.cli.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.SessionKeyStore;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.pins.PinStore;
import dev.aegis.core.pins.UpstreamPins;
import dev.aegis.core.pipeline.GuardOptions;
import dev.aegis.core.pipeline.ProxySession;
import dev.aegis.core.pipeline.RateLimiter;
import dev.aegis.core.pipeline.SessionChain;
import dev.aegis.transport.http.SessionFactory;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The core sessions of an HTTP proxy: each MCP session gets its own chain, guard, approvals, pins
 * and checkpoints, wired as the stdio proxy wires its one session. Session keys (digests only) are
 * bound in the store's {@code session_keys}, so that after a restart a key continues its session:
 * the chain goes on from its stored head, the guard's state is rebuilt by replaying every stored
 * event, and SESSION_STARTED is sealed again with {@code resumed_at_seq}. A chain whose last event
 * is a TERMINATION without {@code "resumable": true} ended for good and is not resumed.
 * Thread-safe; every method blocks on the store (worker threads only).
 */
final class HttpSessions implements SessionFactory {
  private final ProxySettings s;
  private final ChainStore store;
  private final GuardFactory guards;
  private final ApprovalSettings approvals;
  private final RateLimiter limiter;
  private final Checkpointer checkpointer;
  private final SessionKeyStore keys;
  private final PinStore pins;

  HttpSessions(
      ProxySettings s,
      ChainStore store,
      GuardFactory guards,
      ApprovalSettings approvals,
      RateLimiter limiter,
      Checkpointer checkpointer,
      SessionKeyStore keys,
      PinStore pins) {
    this.s = s;
    this.store = store;
    this.guards = guards;
    this.approvals = approvals;
    this.limiter = limiter;
    this.checkpointer = checkpointer;
    this.keys = keys;
    this.pins = pins;
  }

  @Override
  public ProxySession open() {
    String id = SessionIds.next();
    ProxySession session = session(id);
    session.start(info());
    System.err.println("aegis: session " + id + " started (tenant " + s.tenant() + ")");
    return session;
  }

  @Override
  public void bind(String kind, String keySha256, ProxySession session) {
    keys.bind(s.tenant(), s.upstreamId(), kind, keySha256, session.chain().sessionId());
  }

  @Override
  public Optional<ProxySession> resume(String kind, String keySha256) {
    Optional<String> id = keys.find(s.tenant(), s.upstreamId(), kind, keySha256);
    if (id.isEmpty() || !resumable(id.get())) {
      return Optional.empty();
    }
    ProxySession session = session(id.get());
    long resumedAt = session.chain().nextSeq();
    store.read(s.tenant(), id.get(), r -> session.replay(EnvelopeHasher.parse(r.sealed())));
    ObjectNode info = info();
    info.put("resumed_at_seq", resumedAt);
    info.put("resumed_by", kind);
    session.start(info);
    System.err.println(
        "aegis: session "
            + id.get()
            + " continues at seq "
            + resumedAt
            + " (tenant "
            + s.tenant()
            + ")");
    return Optional.of(session);
  }

  /** True if the chain exists and its last event is not a final TERMINATION. */
  private boolean resumable(String sessionId) {
    ChainRecord[] last = {null};
    store.read(s.tenant(), sessionId, r -> last[0] = r); // only the last one is parsed
    if (last[0] == null) {
      return false;
    }
    return !"TERMINATION".equals(last[0].eventType())
        || EnvelopeHasher.parse(last[0].sealed()).payload().path("resumable").asBoolean(false);
  }

  /** The core session over the chain of {@code id} (continuing after its head, if stored). */
  private ProxySession session(String id) {
    SessionChain chain = SessionChain.open(store, InstantSource.system(), s.tenant(), s.user(), id);
    chain.checkpoints(checkpointer);
    return new ProxySession(
        chain,
        guards.guard(s.trustAnnotations()),
        new GuardOptions(s.audit(), s.denyAsError()),
        approvals,
        new UpstreamPins(s.upstreamId(), pins),
        limiter);
  }

  private ObjectNode info() {
    ObjectNode info = HttpLauncher.startInfo(s, store.describe());
    guards.describe(info, s);
    return info;
  }
}
