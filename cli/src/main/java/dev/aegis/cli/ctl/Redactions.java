package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Redaction;
import dev.aegis.store.ChainStores;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The seqs of a chain whose bodies were erased: by a recorded redaction, or shredded (encrypted
 * under a tenant key that was deleted or not given). Stateless.
 */
final class Redactions {
  private Redactions() {}

  /** The redacted seqs of (tenant, session) in the store; blocking. */
  static Set<Long> seqs(ChainStore store, String tenant, String session) {
    return ChainStores.redactions(store).list(tenant, session).stream()
        .map(Redaction::seq)
        .collect(Collectors.toSet());
  }

  /**
   * The seqs of (tenant, session) whose bodies are encrypted under a key not available; blocking.
   */
  static Set<Long> shredded(ChainStore store, String tenant, String session) {
    return Set.copyOf(ChainStores.unreadableBodies(store, tenant, session));
  }

  /** Redacted and shredded seqs together: the bodies an export cannot carry. */
  static Set<Long> erased(ChainStore store, String tenant, String session) {
    Set<Long> all = new HashSet<>(seqs(store, tenant, session));
    all.addAll(shredded(store, tenant, session));
    return all;
  }
}
