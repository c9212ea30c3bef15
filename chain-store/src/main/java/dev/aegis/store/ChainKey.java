package dev.aegis.store;

import dev.aegis.core.chain.ChainRecord;

/** Identifies one chain: a tenant's session. */
record ChainKey(String tenantId, String sessionId) {

  static ChainKey of(ChainRecord r) {
    return new ChainKey(r.tenantId(), r.sessionId());
  }

  @Override
  public String toString() {
    return tenantId + "/" + sessionId;
  }
}
