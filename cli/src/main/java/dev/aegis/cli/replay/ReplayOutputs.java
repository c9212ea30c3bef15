package dev.aegis.cli.replay;

import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.JsonRpcId;
import dev.aegis.core.pipeline.Direction;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Stands in for the transport's output during a replay: the frames a replayed session writes on its
 * own (answers to held calls, its own requests) go nowhere, but their ids are counted so the driver
 * can wait until a held call was answered. Thread-safe (synchronized).
 */
final class ReplayOutputs implements BiConsumer<Direction, byte[]> {
  private final Map<String, Integer> byId = new HashMap<>();

  @Override
  public synchronized void accept(Direction direction, byte[] frame) {
    JsonRpcId id = Frame.of(frame).id();
    if (id != null) {
      byId.merge(id.toJson(), 1, Integer::sum);
      notifyAll();
    }
  }

  /** Waits until a frame with this id was written (and counts it off); false after millis. */
  synchronized boolean await(String id, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (byId.getOrDefault(id, 0) == 0) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    byId.merge(id, -1, Integer::sum);
    return true;
  }
}
