package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import java.util.ArrayList;
import java.util.List;

/**
 * One recorded session as read from the chain: its events in seq order with the stored frame
 * bodies. Immutable after {@link #read}; the chain is read as stored (run {@code aegisctl verify}
 * to check it), but a gap in the seqs is refused because nothing could be replayed across it.
 */
final class Recording {
  /** One recorded event and its frame body (null when it has none or it was redacted). */
  record Event(Envelope envelope, byte[] body) {
    long seq() {
      return envelope.seq();
    }

    String type() {
      return envelope.eventType();
    }

    JsonNode payload() {
      return envelope.payload();
    }

    /** Never prints payloads or bodies. */
    @Override
    public String toString() {
      return "Event[" + seq() + " " + type() + "]";
    }
  }

  private final String tenantId;
  private final String sessionId;
  private final List<Event> events;

  private Recording(String tenantId, String sessionId, List<Event> events) {
    this.tenantId = tenantId;
    this.sessionId = sessionId;
    this.events = List.copyOf(events);
  }

  /**
   * Reads a session's chain. Blocking. Throws {@link IllegalArgumentException} when the session has
   * no events or its seqs are not contiguous from 0.
   */
  static Recording read(ChainStore store, String tenantId, String sessionId) {
    requireNonNull(store, "store");
    List<Event> events = new ArrayList<>();
    store.read(
        tenantId,
        sessionId,
        (ChainRecord r) -> events.add(new Event(EnvelopeHasher.parse(r.sealed()), r.body())));
    if (events.isEmpty()) {
      throw new IllegalArgumentException("no session " + sessionId + " of tenant " + tenantId);
    }
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).seq() != i) {
        throw new IllegalArgumentException(
            "session " + sessionId + ": seq " + events.get(i).seq() + " where " + i + " belongs");
      }
    }
    return new Recording(tenantId, sessionId, events);
  }

  /** A recording of the given events (for tests and the what-if runner). */
  static Recording of(String tenantId, String sessionId, List<Event> events) {
    return new Recording(tenantId, sessionId, events);
  }

  String tenantId() {
    return tenantId;
  }

  String sessionId() {
    return sessionId;
  }

  /** The user id the chain was sealed with. */
  String userId() {
    return events.get(0).envelope().userId();
  }

  List<Event> events() {
    return events;
  }

  int size() {
    return events.size();
  }

  Event get(long seq) {
    return events.get((int) seq);
  }
}
