package dev.aegis.guard.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Loop detection over the session's recent tool-call proposals and results, as a pure function of
 * what it was fed (no clock). Checks, in order: a repeating sequence of tool names (length min to
 * max, the last L names equal the L before), an identical call (same tool and arguments digest)
 * seen threshold times in the window, and no progress (the Nth call of a tool whose last N-1
 * results were identical). Not thread-safe; owned by one {@link SessionState}.
 */
final class LoopDetector {
  private record Call(long seq, String tool, String argsDigest) {}

  private record Result(long callSeq, String tool, String digest) {}

  private final LoopSettings settings;
  private final Deque<Call> window = new ArrayDeque<>();
  private final Deque<Result> results = new ArrayDeque<>();

  LoopDetector(LoopSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Records a proposal and returns the loop it completes, if any. */
  LoopViolation propose(long seq, String tool, String argsDigest) {
    Call call = new Call(seq, tool, argsDigest);
    window.addLast(call);
    while (window.size() > settings.window()) {
      window.removeFirst();
    }
    LoopViolation v = repeatingSequence();
    if (v == null) {
      v = identicalCall(call);
    }
    if (v == null) {
      v = noProgress(call);
    }
    return v;
  }

  /**
   * Forgets the proposal sealed at {@code seq}: a call that ended waiting for an approval, whose
   * retry (the protocol's, with the approval) must not look like the agent repeating itself.
   */
  void retract(long seq) {
    window.removeIf(c -> c.seq() == seq);
  }

  /** Records the result of an earlier proposal. */
  void result(long callSeq, String tool, String digest) {
    results.addLast(new Result(callSeq, tool, digest));
    while (results.size() > settings.window()) {
      results.removeFirst();
    }
  }

  private LoopViolation repeatingSequence() {
    List<Call> calls = new ArrayList<>(window);
    int n = calls.size();
    for (int len = settings.sequenceMinLength(); len <= settings.sequenceMaxLength(); len++) {
      if (n < 2 * len) {
        break;
      }
      boolean repeats = true;
      for (int i = 0; i < len && repeats; i++) {
        repeats = calls.get(n - 1 - i).tool().equals(calls.get(n - 1 - len - i).tool());
      }
      if (repeats && !allSameTool(calls.subList(n - 2 * len, n))) {
        return new LoopViolation("LOOP_REPEATING_SEQUENCE", seqs(calls.subList(n - 2 * len, n)));
      }
    }
    return null;
  }

  /** One tool repeated is an identical-call or no-progress matter, not a sequence. */
  private static boolean allSameTool(List<Call> calls) {
    return calls.stream().map(Call::tool).distinct().count() == 1;
  }

  private LoopViolation identicalCall(Call call) {
    List<Long> same = new ArrayList<>();
    for (Call c : window) {
      if (c.tool().equals(call.tool()) && c.argsDigest().equals(call.argsDigest())) {
        same.add(c.seq());
      }
    }
    return same.size() >= settings.identicalCallThreshold()
        ? new LoopViolation("LOOP_IDENTICAL_CALL", same)
        : null;
  }

  private LoopViolation noProgress(Call call) {
    // The Nth call of a tool whose last N-1 results were identical makes no progress.
    int needed = settings.noProgressThreshold() - 1;
    List<Long> trace = new ArrayList<>();
    String digest = null;
    for (Iterator<Result> it = results.descendingIterator();
        it.hasNext() && trace.size() < needed; ) {
      Result r = it.next();
      if (!r.tool().equals(call.tool()) || (digest != null && !digest.equals(r.digest()))) {
        return null;
      }
      digest = r.digest();
      trace.add(0, r.callSeq());
    }
    if (trace.size() < needed) {
      return null;
    }
    trace.add(call.seq());
    return new LoopViolation("LOOP_NO_PROGRESS", trace);
  }

  private static List<Long> seqs(List<Call> calls) {
    return calls.stream().map(Call::seq).toList();
  }
}
