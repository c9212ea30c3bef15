package dev.aegis.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.EventType;

/**
 * Decides when a thread may seal its next event into a {@link SessionChain}. The proxy seals in
 * whatever order its threads arrive ({@link #ANY}); a replay imposes the recorded order, so that
 * work racing on several threads (a decision on the engine's thread, the next frame on the
 * reader's) interleaves exactly as it did when recorded.
 *
 * <p>{@link #before} runs on the sealing thread before the chain's lock is taken (it may block);
 * {@link #after} runs under the lock once the event has its seq. A CHECKPOINT_CREATED the chain
 * seals right after the event that made it due takes the next turn without {@link #before} (it is
 * sealed under the lock). Implementations are thread-safe.
 */
public interface SealOrder {
  /** No ordering: every seal proceeds at once. */
  SealOrder ANY =
      new SealOrder() {
        @Override
        public void before(EventType type, JsonNode payload) {}

        @Override
        public void after() {}
      };

  /** Blocks until an event of {@code type} with {@code payload} may be sealed next. */
  void before(EventType type, JsonNode payload);

  /** The event let through last has been sealed (or failed to seal). */
  void after();
}
