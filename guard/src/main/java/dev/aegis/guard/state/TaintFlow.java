package dev.aegis.guard.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import dev.aegis.core.taint.Fingerprints;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Flow-mode taint state, owned by {@link SessionState}: the sealed fingerprints of untrusted
 * results, each with the proposals whose results carried it, and the untrusted content that could
 * not be tracked (which taints every later call: fail closed). A pure function of the events fed to
 * it. Not thread-safe.
 */
final class TaintFlow {
  /** Most fingerprints remembered per session; results past it are untracked. */
  static final int MAX_TRACKED = 1 << 18;

  private final Map<Long, long[]> sources = new HashMap<>();
  private final TreeSet<Long> absorbed = new TreeSet<>();
  private final TreeSet<Long> untracked = new TreeSet<>();
  private String digest = "";

  /** An untrusted tool's TOOL_RESULT (not withheld) answering the proposal at {@code seq}. */
  void result(long seq, JsonNode payload) {
    JsonNode prints = payload.get("fingerprints");
    if (prints == null || !prints.isArray()) {
      untracked.add(seq);
      return;
    }
    boolean whole = !payload.path("fingerprints_truncated").asBoolean(false);
    for (JsonNode h : prints) {
      try {
        whole &= remember(Fingerprints.parseHex(h.isTextual() ? h.asText() : null), seq);
      } catch (IllegalArgumentException e) {
        whole = false;
      }
    }
    if (!whole) {
      untracked.add(seq);
    }
    absorbed.add(seq);
    ObjectNode link = Json.object().put("prev", digest).put("proposal_seq", seq);
    link.set("fingerprints", prints);
    digest = EnvelopeHasher.hashOf(link);
  }

  /** Untrusted content without fingerprints (a memory read), sealed at {@code seq}. */
  void untracked(long seq) {
    untracked.add(seq);
  }

  private boolean remember(long fingerprint, long seq) {
    long[] from = sources.get(fingerprint);
    if (from == null) {
      if (sources.size() >= MAX_TRACKED) {
        return false;
      }
      sources.put(fingerprint, new long[] {seq});
      return true;
    }
    for (long s : from) {
      if (s == seq) {
        return true;
      }
    }
    long[] more = Arrays.copyOf(from, from.length + 1);
    more[from.length] = seq;
    sources.put(fingerprint, more);
    return true;
  }

  /** The taint of a proposal with these arguments. */
  FlowTaint check(JsonNode args) {
    TreeSet<Long> from = new TreeSet<>(untracked);
    if (!sources.isEmpty()) {
      Fingerprints.forEachArgumentPrint(
          args,
          h -> {
            long[] s = sources.get(h);
            if (s != null) {
              for (long seq : s) {
                from.add(seq);
              }
            }
          });
    }
    return new FlowTaint(List.copyOf(from), List.copyOf(untracked));
  }

  /** Forgets everything (TERMINATION). */
  void clear() {
    sources.clear();
    absorbed.clear();
    untracked.clear();
    digest = "";
  }

  /** The state for the session hash: counts, sources and a running digest of every print. */
  ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("mode", "flow");
    o.put("fingerprints", sources.size());
    ArrayNode from = o.putArray("sources");
    absorbed.forEach(from::add);
    ArrayNode u = o.putArray("untracked_from");
    untracked.forEach(u::add);
    o.put("digest", digest);
    return o;
  }
}
