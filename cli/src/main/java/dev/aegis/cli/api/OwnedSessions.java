package dev.aegis.cli.api;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.guard.PolicyGuard;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sessions the control API appends to, loaded on first use by replaying the stored chain
 * through a fresh guard (so state survives a restart), kept in a bounded LRU (evicted state is
 * rebuilt from the chain). A chain in which an aegis-proxy sealed SESSION_STARTED (at seq 0, or
 * when it continued the session) belongs to that proxy and is marked read-only. Thread-safe.
 */
final class OwnedSessions {
  /** Sessions kept in memory; more are rebuilt from the chain when next used. */
  static final int MAX_CACHED = 1024;

  private final ApiContext ctx;
  private final Map<String, OwnedSession> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OwnedSession> e) {
          return size() > MAX_CACHED;
        }
      };

  OwnedSessions(ApiContext ctx) {
    this.ctx = ctx;
  }

  /** The session's state, rebuilt from the chain if not cached. Blocking. */
  OwnedSession get(String tenantId, String sessionId) {
    String key = tenantId + "\n" + sessionId;
    synchronized (cache) {
      OwnedSession s = cache.get(key);
      if (s != null) {
        return s;
      }
    }
    OwnedSession loaded = load(tenantId, sessionId);
    synchronized (cache) {
      return cache.computeIfAbsent(key, k -> loaded);
    }
  }

  /** Forgets a session whose cached head proved stale (another writer appended). */
  void forget(OwnedSession s) {
    synchronized (cache) {
      cache.remove(s.tenantId + "\n" + s.sessionId, s);
    }
  }

  private OwnedSession load(String tenantId, String sessionId) {
    PolicyGuard guard = ctx.guards().guard(false);
    long[] next = {0};
    String[] head = {null};
    boolean[] proxy = {false};
    ctx.store()
        .read(
            tenantId,
            sessionId,
            (ChainRecord r) -> {
              Envelope e = EnvelopeHasher.parse(r.sealed());
              if ("SESSION_STARTED".equals(e.eventType())
                  && "aegis-proxy".equals(e.payload().path("proxy").asText())) {
                proxy[0] = true;
              }
              guard.observe(e);
              next[0] = e.seq() + 1;
              head[0] = r.hash();
            });
    OwnedSession s = new OwnedSession(tenantId, sessionId, guard, proxy[0]);
    s.nextSeq = next[0];
    s.headHash = head[0];
    return s;
  }

  /** Sessions held in memory now (the open-sessions gauge). */
  int size() {
    synchronized (cache) {
      return cache.size();
    }
  }
}
