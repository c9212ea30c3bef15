package dev.aegis.guard.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.util.List;

/**
 * The session as the policy sees it for one proposal: counters before the call, wall time at the
 * call, the loop the call completes (if any), taint, and the called tool's pin: whether its
 * definition changed and its pinned annotations (null when never pinned), plus the digest of the
 * session's pinned catalog (null before any pin; sealed with the decision). The pin goes into the
 * policy input's {@code event.payload}, not into {@link #toPolicyJson()}. In flow mode {@code flow}
 * says which untrusted contents the arguments carry (and {@code tainted} is whether they carry
 * any); it is null in session mode.
 */
public record PolicySnapshot(
    long stepsConsumed,
    long toolCallsConsumed,
    long wallTimeMs,
    LoopViolation loopViolation,
    boolean tainted,
    List<String> sanitizedKeys,
    boolean definitionChanged,
    JsonNode pinnedAnnotations,
    String catalogSha256,
    FlowTaint flow) {

  /** Copies the keys. */
  public PolicySnapshot {
    sanitizedKeys = List.copyOf(sanitizedKeys);
  }

  /** A snapshot of a tool that was never pinned nor changed. */
  public PolicySnapshot(
      long stepsConsumed,
      long toolCallsConsumed,
      long wallTimeMs,
      LoopViolation loopViolation,
      boolean tainted,
      List<String> sanitizedKeys) {
    this(
        stepsConsumed,
        toolCallsConsumed,
        wallTimeMs,
        loopViolation,
        tainted,
        sanitizedKeys,
        false,
        null,
        null,
        null);
  }

  /** The policy input's {@code snapshot} document. */
  public ObjectNode toPolicyJson() {
    ObjectNode o = Json.object();
    o.put("steps_consumed", stepsConsumed);
    o.put("tool_calls_consumed", toolCallsConsumed);
    o.put("wall_time_ms", wallTimeMs);
    o.put("loop_violation", loopViolation == null ? "" : loopViolation.reason());
    o.put("is_tainted", tainted);
    ArrayNode keys = o.putArray("sanitized_keys");
    sanitizedKeys.forEach(keys::add);
    if (flow != null) { // absent in session mode: those snapshots stay as they were
      o.put("taint_mode", "flow");
      ArrayNode from = o.putArray("tainted_from");
      flow.taintedFrom().forEach(from::add);
      if (!flow.untrackedFrom().isEmpty()) {
        ArrayNode untracked = o.putArray("untracked_from");
        flow.untrackedFrom().forEach(untracked::add);
      }
    }
    return o;
  }
}
