package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Redaction;
import dev.aegis.store.ChainStores;
import java.util.Set;
import java.util.stream.Collectors;

/** The seqs of a chain whose bodies were erased by a recorded redaction. Stateless. */
final class Redactions {
  private Redactions() {}

  /** The redacted seqs of (tenant, session) in the store; blocking. */
  static Set<Long> seqs(ChainStore store, String tenant, String session) {
    return ChainStores.redactions(store).list(tenant, session).stream()
        .map(Redaction::seq)
        .collect(Collectors.toSet());
  }
}
