package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The replay's clock: the recorded timestamp of the event about to be sealed (the replayed chain's
 * next seq), or of the last recorded event once the replay runs past the recording. So every
 * replayed event carries the time its recorded counterpart was sealed at, and the reducer's
 * time-based budgets see recorded time, never the wall clock. Thread-safe.
 */
final class ReplayClock implements InstantSource {
  private final Recording recording;
  private final MemoryChainStore replayed;

  ReplayClock(Recording recording, MemoryChainStore replayed) {
    this.recording = requireNonNull(recording, "recording");
    this.replayed = requireNonNull(replayed, "replayed");
  }

  @Override
  public long millis() {
    int next = Math.min(replayed.size(), recording.size() - 1);
    return recording.get(next).envelope().tsUnixMs();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
