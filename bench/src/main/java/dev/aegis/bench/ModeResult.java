package dev.aegis.bench;

import java.util.List;

/**
 * The outcome of one mode: figures when it ran, else the reason it failed. {@code
 * sealedFramesPerSecond} is null for direct runs; {@code verify} is null when not checked.
 */
record ModeResult(
    Mode mode,
    int sessions,
    LatencyStats stats,
    double callsPerSecond,
    Double sealedFramesPerSecond,
    String store,
    String verify,
    List<Integer> exitCodes,
    String error) {

  /** Each measured call is one request and one response frame, each sealed as one event. */
  static final int SEALED_FRAMES_PER_CALL = 2;

  static ModeResult measured(
      Mode mode,
      int sessions,
      Workloads.Sample sample,
      String store,
      String verify,
      List<Integer> exitCodes) {
    double cps = sample.callsPerSecond();
    return new ModeResult(
        mode,
        sessions,
        LatencyStats.ofNanos(sample.nanos()),
        cps,
        mode.proxied() ? cps * SEALED_FRAMES_PER_CALL : null,
        store,
        verify,
        List.copyOf(exitCodes),
        null);
  }

  static ModeResult failed(Mode mode, int sessions, String store, String error) {
    return new ModeResult(mode, sessions, null, 0, null, store, null, List.of(), error);
  }

  boolean ok() {
    return error == null;
  }
}
