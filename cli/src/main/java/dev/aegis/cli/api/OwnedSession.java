package dev.aegis.cli.api;

import dev.aegis.guard.PolicyGuard;

/**
 * The server's state of one session it appends to: where the chain continues and the guard whose
 * reducer has observed every event so far. Guarded by its own monitor: one ingest at a time.
 */
final class OwnedSession {
  final String tenantId;
  final String sessionId;
  final PolicyGuard guard;

  /** True when an aegis-proxy started this chain: the server must not append to it. */
  final boolean proxyChain;

  long nextSeq;
  String headHash;

  OwnedSession(String tenantId, String sessionId, PolicyGuard guard, boolean proxyChain) {
    this.tenantId = tenantId;
    this.sessionId = sessionId;
    this.guard = guard;
    this.proxyChain = proxyChain;
  }
}
