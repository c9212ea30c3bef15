package dev.aegis.guard.state;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reducer: session state as a pure function of the sealed events, fed in seq order. Time comes
 * only from event timestamps, never the clock, so replaying a chain rebuilds the same state and the
 * same snapshots.
 *
 * <p>Counting (documented in docs/policy.md): a <em>step</em> is one agent action — a tool-call
 * proposal, a model call, a memory access or a handoff request — not every event (the seed charged
 * three steps per proxied call). A <em>tool call</em> is a call that reached the tool
 * (TOOL_CALL_EXECUTED: allowed, or let through in audit mode). Taint (session mode): any tool
 * result or memory read taints the session; TERMINATION clears taint and sanitised keys. Taint
 * (flow mode, {@link TaintSettings#flow()}): an untrusted tool's result adds its sealed content
 * fingerprints, and a proposal is tainted when its arguments match one (or when untrusted content
 * could not be tracked: cut or missing fingerprints, memory reads); SANITIZED adds a key. Pinning:
 * TOOL_CATALOG_PINNED records each tool's first-seen annotations (later pins of the same name are
 * ignored, so a server cannot relax them; pins loaded from the pin store come the same way);
 * TOOL_CATALOG_CHANGED marks tools (both names of a rename) changed until TOOL_CATALOG_REPINNED —
 * an operator approved the new definition — replaces their pins (annotations included) and clears
 * the mark. Approvals: APPROVAL_REQUESTED / APPROVAL_DECIDED are counted (requested, granted,
 * refused) with the proposals still waiting; a proposal that ended APPROVAL_REQUIRED or
 * RATE_LIMITED leaves the loop window (its retry is the protocol, not a loop). Not thread-safe: the
 * owner feeds it under the chain's seal order.
 */
public final class SessionState {
  private final LoopDetector loops;
  private final TaintSettings taint;
  private final TaintFlow flow;
  private long firstTs = -1;
  private long lastSeq = -1;
  private long steps;
  private long toolCalls;
  private boolean tainted;
  private final TreeSet<String> sanitizedKeys = new TreeSet<>();
  private final TreeMap<String, JsonNode> pinnedAnnotations = new TreeMap<>();
  private final TreeSet<String> changedTools = new TreeSet<>();
  private final ObjectNode pinnedDigests = Json.object();
  private String catalogDigest;
  private final Map<Long, PolicySnapshot> pending = new HashMap<>();
  private final TreeSet<Long> awaitingApproval = new TreeSet<>();
  private long approvalsRequested;
  private long approvalsGranted;
  private long approvalsRefused;

  /** An empty session with the given loop thresholds and session taint. */
  public SessionState(LoopSettings loopSettings) {
    this(loopSettings, TaintSettings.SESSION);
  }

  /** An empty session with the given loop thresholds and taint tracking. */
  public SessionState(LoopSettings loopSettings, TaintSettings taint) {
    this.loops = new LoopDetector(loopSettings);
    this.taint = requireNonNull(taint, "taint");
    this.flow = taint.flow() ? new TaintFlow() : null;
  }

  /** Applies one sealed event; events must arrive in seq order. */
  public void apply(Envelope e) {
    if (e.seq() <= lastSeq) {
      throw new IllegalArgumentException("event seq " + e.seq() + " after " + lastSeq);
    }
    lastSeq = e.seq();
    if (firstTs < 0) {
      firstTs = e.tsUnixMs();
    }
    JsonNode p = e.payload();
    switch (e.eventType()) {
      case "TOOL_CALL_PROPOSED":
        propose(e, p);
        break;
      case "POLICY_DECISION":
        pending.remove(p.path("proposal_seq").asLong(-1));
        break;
      case "TOOL_CALL_DENIED":
        if (!p.path("audit_only").asBoolean(false)) {
          toolCalls--; // counted when proposed; it never reached the tool
        }
        String why = p.path("reason").asText();
        if ("APPROVAL_REQUIRED".equals(why) || "RATE_LIMITED".equals(why)) {
          loops.retract(p.path("proposal_seq").asLong(-1)); // its retry is not a loop
        }
        pending.remove(p.path("proposal_seq").asLong(-1)); // refused before any decision
        awaitingApproval.remove(p.path("proposal_seq").asLong(-1));
        break;
      case "APPROVAL_REQUESTED":
        approvalsRequested++;
        awaitingApproval.add(p.path("proposal_seq").asLong(-1));
        break;
      case "APPROVAL_DECIDED":
        awaitingApproval.remove(p.path("proposal_seq").asLong(-1));
        if (p.path("approved").asBoolean(false)) {
          approvalsGranted++;
        } else {
          approvalsRefused++;
        }
        break;
      case "TOOL_RESULT":
        tainted = true;
        if (flow != null
            && untrustedSource(p.path("tool_name").asText(""))
            && !p.path("withheld").asBoolean(false)) {
          flow.result(p.path("proposal_seq").asLong(-1), p);
        }
        loops.result(
            p.path("proposal_seq").asLong(-1),
            p.path("tool_name").asText(""),
            p.path("result_sha256").asText(""));
        break;
      case "MODEL_CALL_STARTED":
      case "MEMORY_WRITE":
      case "HANDOFF_REQUESTED":
        steps++;
        break;
      case "MEMORY_READ":
        steps++;
        tainted = true;
        if (flow != null) {
          flow.untracked(e.seq());
        }
        break;
      case "SANITIZED":
        if (p.path("key").isTextual() && !p.get("key").asText().isEmpty()) {
          sanitizedKeys.add(p.get("key").asText());
        }
        break;
      case "TOOL_CATALOG_PINNED":
        p.path("tools")
            .fields()
            .forEachRemaining(
                t -> {
                  pinnedAnnotations.putIfAbsent(t.getKey(), annotations(t.getValue()));
                  if (!pinnedDigests.has(t.getKey())) {
                    pinnedDigests.put(t.getKey(), t.getValue().path("sha256").asText(""));
                  }
                });
        catalogDigest = EnvelopeHasher.hashOf(pinnedDigests);
        break;
      case "TOOL_CATALOG_CHANGED":
        p.path("changed").forEach(n -> changedTools.add(n.asText()));
        for (JsonNode r : p.path("renamed")) {
          changedTools.add(r.path("from").asText());
          changedTools.add(r.path("to").asText());
        }
        break;
      case "TOOL_CATALOG_REPINNED":
        p.path("tools")
            .fields()
            .forEachRemaining(
                t -> {
                  changedTools.remove(t.getKey());
                  pinnedAnnotations.put(t.getKey(), annotations(t.getValue()));
                  pinnedDigests.put(t.getKey(), t.getValue().path("sha256").asText(""));
                });
        catalogDigest = EnvelopeHasher.hashOf(pinnedDigests);
        break;
      case "TERMINATION":
        if (p.path("resumable").asBoolean(false)) {
          break; // the proxy stopped, the MCP session goes on after a restart: so does its taint
        }
        tainted = false;
        sanitizedKeys.clear();
        if (flow != null) {
          flow.clear();
        }
        break;
      default:
        break;
    }
  }

  private void propose(Envelope e, JsonNode p) {
    String tool = p.path("tool_name").asText("");
    String digest = EnvelopeHasher.hashOf(p.path("args"));
    LoopViolation loop = loops.propose(e.seq(), tool, digest);
    FlowTaint flowTaint = flow == null ? null : flow.check(p.path("args"));
    pending.put(
        e.seq(),
        new PolicySnapshot(
            steps,
            toolCalls,
            e.tsUnixMs() - firstTs,
            loop,
            flowTaint == null ? tainted : flowTaint.tainted(),
            sanitizedKeys.stream().toList(),
            changedTools.contains(tool),
            pinnedAnnotations.get(tool),
            catalogDigest,
            flowTaint));
    steps++;
    toolCalls++;
  }

  /**
   * Whether the tool's results are untrusted content in flow mode: named in {@code
   * untrusted_tools}, or pinned with {@code openWorldHint: true} when annotations are trusted;
   * never a sanitiser. Always false in session mode.
   */
  public boolean untrustedSource(String tool) {
    if (flow == null || taint.sanitizers().contains(tool)) {
      return false;
    }
    JsonNode pinned = pinnedAnnotations.get(tool);
    return taint.untrustedTools().contains(tool)
        || (taint.trustAnnotations()
            && pinned != null
            && pinned.path("openWorldHint").booleanValue());
  }

  /** The pinned (first-seen) annotations; never null. */
  private static JsonNode annotations(JsonNode pin) {
    JsonNode a = pin.path("annotations");
    return a.isObject() ? a.deepCopy() : Json.object();
  }

  /**
   * The policy snapshot of the proposal sealed at {@code proposalSeq}: the session before that
   * call, plus the loop it completes. Null if no such proposal is pending.
   */
  public PolicySnapshot snapshotFor(long proposalSeq) {
    return pending.get(proposalSeq);
  }

  /** The state as canonical JSON, for snapshot hashes that replay must reproduce. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("last_seq", lastSeq);
    o.put("first_ts_unix_ms", firstTs);
    o.put("steps_consumed", steps);
    o.put("tool_calls_consumed", toolCalls);
    o.put("is_tainted", tainted);
    ArrayNode keys = o.putArray("sanitized_keys");
    sanitizedKeys.forEach(keys::add);
    if (!pinnedAnnotations.isEmpty()) { // absent before any pin: older snapshot hashes stay
      ObjectNode pins = o.putObject("pinned_annotations");
      pinnedAnnotations.forEach(pins::set);
      ArrayNode changed = o.putArray("changed_tools");
      changedTools.forEach(changed::add);
    }
    if (flow != null) { // absent in session mode: those state hashes stay as they were
      o.set("taint_flow", flow.toJson());
    }
    if (approvalsRequested + approvalsGranted + approvalsRefused > 0) { // absent until used
      ObjectNode a = o.putObject("approvals");
      a.put("requested", approvalsRequested);
      a.put("granted", approvalsGranted);
      a.put("refused", approvalsRefused);
      ArrayNode waiting = a.putArray("awaiting_proposal_seqs");
      awaitingApproval.forEach(waiting::add);
    }
    return o;
  }

  /** SHA-256 (hex) of {@link #toJson()} under the one hashing rule. */
  public String hash() {
    return EnvelopeHasher.hashOf(toJson());
  }
}
