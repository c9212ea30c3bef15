package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.EventType;
import dev.aegis.core.pipeline.SealOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a replayed session seal its events in the recorded order. The proxy seals from several
 * threads (the client reader, the policy engine's completions, the server reader), so a recording
 * of overlapping calls interleaves them — a second call's frame between the first call's proposal
 * and its decision. The replay's threads race the same way, but not necessarily to the same result;
 * this gate lets a thread seal only when its event is the next recorded one, matched by type, call
 * id and, for frames, direction, origin, kind, method and JSON-RPC id (not by content, which the
 * comparison checks).
 *
 * <p>When the next recorded event does not come — the replay diverged — the gate waits {@link
 * #STALL_MS} without any seal and then lets the longest-waiting thread through, so a divergent
 * replay finishes and its differences are reported. Past the end of the recording every seal
 * proceeds. Thread-safe.
 */
final class RecordedOrder implements SealOrder {
  /** How long the gate waits for the expected event before letting another through. */
  static final long STALL_MS = 250;

  private final List<String> keys = new ArrayList<>();
  private final List<Thread> waiting = new ArrayList<>();
  private int next;
  private boolean claimed;
  private long progressAt = System.nanoTime();

  /** The gate for a replay of {@code recording} from its first event. */
  RecordedOrder(Recording recording) {
    requireNonNull(recording, "recording");
    for (Recording.Event e : recording.events()) {
      keys.add(key(e.type(), e.payload()));
    }
  }

  /** What identifies an event across a recording and its replay. */
  static String key(String type, JsonNode p) {
    StringBuilder k = new StringBuilder(type);
    for (String field : List.of("call_id", "direction", "origin", "kind", "method", "id")) {
      JsonNode v = p.get(field);
      k.append('|').append(v == null ? "" : v.toString());
    }
    return k.toString();
  }

  @Override
  public synchronized void before(EventType type, JsonNode payload) {
    String mine = key(type.name(), payload);
    Thread me = Thread.currentThread();
    waiting.add(me);
    try {
      while (true) {
        if (!claimed && (next >= keys.size() || keys.get(next).equals(mine))) {
          break;
        }
        long stalled = (System.nanoTime() - progressAt) / 1_000_000;
        if (stalled >= STALL_MS && waiting.get(0) == me) {
          break; // diverged: the oldest waiter goes, out of the recorded order
        }
        try {
          wait(Math.max(1, STALL_MS - stalled));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      claimed = true;
    } finally {
      waiting.remove(me);
    }
  }

  @Override
  public synchronized void after() {
    claimed = false;
    next++;
    progressAt = System.nanoTime();
    notifyAll();
  }
}
