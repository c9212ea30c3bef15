package dev.aegis.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.store.ChainStores;
import java.util.ArrayList;
import java.util.List;

/** Reads a chain back from a store after a proxy run. */
final class Chains {
  private Chains() {}

  /** A stored record with its parsed payload. */
  record Event(ChainRecord record, JsonNode payload) {
    String type() {
      return record.eventType();
    }

    String field(String name) {
      JsonNode v = payload.get(name);
      return v == null ? null : v.asText();
    }
  }

  static List<Event> read(String storeUrl, String tenant, String session) {
    List<Event> out = new ArrayList<>();
    try (ChainStore store = ChainStores.open(storeUrl, Durability.NORMAL)) {
      store.read(
          tenant, session, r -> out.add(new Event(r, EnvelopeHasher.parse(r.sealed()).payload())));
    }
    return out;
  }

  /**
   * Reads the chain of a session whose proxy is shutting down (an SDK client closes it with
   * SIGTERM): waits, bounded, until its last record is TERMINATION, then returns every record.
   */
  static List<Event> readFinished(String storeUrl, String tenant, String session)
      throws InterruptedException {
    List<Event> events = List.of();
    for (int i = 0; i < 100; i++) {
      events = read(storeUrl, tenant, session);
      if (!events.isEmpty() && events.get(events.size() - 1).type().equals("TERMINATION")) {
        break;
      }
      Thread.sleep(100);
    }
    return events;
  }

  /** The events of one type in a session of the default tenant, in seq order. */
  static List<Event> ofType(String storeUrl, String session, String type) {
    return read(storeUrl, "default", session).stream().filter(e -> e.type().equals(type)).toList();
  }

  static VerifyResult verify(String storeUrl, String tenant, String session) {
    ChainVerifier v = new ChainVerifier(tenant, session);
    try (ChainStore store = ChainStores.open(storeUrl, Durability.NORMAL)) {
      store.read(tenant, session, v::accept);
    }
    return v.result();
  }

  static List<Event> frames(List<Event> events, String direction) {
    return events.stream()
        .filter(e -> e.type().equals("MCP_FRAME") && direction.equals(e.field("direction")))
        .toList();
  }
}
