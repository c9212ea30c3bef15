package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a live replay re-issues, read from a recording: the client's recorded initialize params and
 * every recorded {@code tools/call} in order with the request the server received (the proxy's
 * rewrite where it made one), the server's recorded answer, the recorded verdict, and whether the
 * recorded catalog marks the tool safe to run again. MCP's defaults apply: a tool is destructive
 * unless its annotations (a pinned tool's, or a server's {@code tools/list} answer) say {@code
 * readOnlyHint: true} or {@code destructiveHint: false}; a tool the recording never listed counts
 * as destructive. Immutable after {@link #of}.
 */
final class LivePlan {
  /** One recorded call: what was sent, what came back, and whether it ran. */
  record Call(
      long seq,
      String tool,
      ObjectNode request,
      JsonNode recordedAnswer,
      boolean executed,
      String verdict) {}

  private final ObjectNode initializeParams;
  private final List<Call> calls;
  private final Set<String> safe;
  private final List<String> notes;

  private LivePlan(
      ObjectNode initializeParams, List<Call> calls, Set<String> safe, List<String> notes) {
    this.initializeParams = initializeParams;
    this.calls = List.copyOf(calls);
    this.safe = Set.copyOf(safe);
    this.notes = List.copyOf(notes);
  }

  /** What the plan could not take from the recording. */
  List<String> notes() {
    return notes;
  }

  /** The recorded initialize params, or null when the client never initialized (2026-07-28). */
  ObjectNode initializeParams() {
    return initializeParams;
  }

  List<Call> calls() {
    return calls;
  }

  /** True unless the recorded catalog marks the tool read-only or non-destructive. */
  boolean destructive(String tool) {
    return !safe.contains(tool);
  }

  /** Reads the plan from a recording; a body that is not JSON is skipped. */
  static LivePlan of(Recording r) {
    CallTrail trail = new CallTrail(r.events().stream().map(Recording.Event::envelope).toList());
    ObjectNode init = null;
    Map<String, Long> pendingCall = new HashMap<>();
    Map<String, Boolean> pendingList = new HashMap<>();
    Map<Long, ObjectNode> sent = new HashMap<>();
    Map<Long, JsonNode> answered = new HashMap<>();
    List<Long> order = new ArrayList<>();
    Set<String> safe = new HashSet<>();
    List<String> notes = new ArrayList<>();
    for (Recording.Event e : r.events()) {
      JsonNode p = e.payload();
      if (e.type().equals("TOOL_CATALOG_PINNED") || e.type().equals("TOOL_CATALOG_REPINNED")) {
        p.path("tools").fields().forEachRemaining(t -> mark(safe, t.getKey(), t.getValue()));
        continue;
      }
      JsonNode body = e.type().equals("MCP_FRAME") ? tree(e.body()) : null;
      if (body == null
          && p.path("method").asText().equals("tools/call")
          && p.path("origin").asText().equals("client")) {
        notes.add(
            "seq "
                + e.seq()
                + ": a tools/call whose body is not stored (redacted or"
                + " oversized): not re-issued");
      }
      if (body == null || !body.has("id")) {
        continue;
      }
      String id = body.get("id").toString();
      String origin = p.path("origin").asText();
      if (p.path("direction").asText().equals("client_to_server")) {
        String method = body.path("method").asText();
        if (method.equals("initialize") && init == null && body.path("params").isObject()) {
          init = (ObjectNode) body.get("params");
        } else if (method.equals("tools/list")) {
          pendingList.put(id, true);
        } else if (method.equals("tools/call") && origin.equals("client")) {
          pendingCall.put(id, e.seq());
          order.add(e.seq());
          sent.put(e.seq(), (ObjectNode) body);
        } else if (method.equals("tools/call") && pendingCall.containsKey(id)) {
          sent.put(pendingCall.get(id), (ObjectNode) body); // the proxy's rewrite
        }
      } else if (origin.equals("server") && LiveTarget.isResponse(body)) {
        Long call = pendingCall.remove(id);
        if (call != null) {
          answered.put(call, body);
        } else if (pendingList.remove(id) != null) {
          body.path("result").path("tools").forEach(t -> mark(safe, t.path("name").asText(), t));
        }
      }
    }
    List<Call> calls = new ArrayList<>();
    for (long seq : order) {
      ObjectNode req = sent.get(seq);
      CallTrail.Call c = trail.at(seq);
      calls.add(
          new Call(
              seq,
              req.path("params").path("name").asText(),
              req,
              answered.get(seq),
              c != null && c.executed(),
              c == null || c.verdict() == null ? "no verdict recorded" : c.verdict()));
    }
    return new LivePlan(init, calls, safe, notes);
  }

  /** The latest annotations of a tool decide: read-only, or explicitly not destructive, is safe. */
  private static void mark(Set<String> safe, String tool, JsonNode t) {
    JsonNode a = t.path("annotations");
    if (a.path("readOnlyHint").asBoolean(false) || !a.path("destructiveHint").asBoolean(true)) {
      safe.add(tool);
    } else {
      safe.remove(tool);
    }
  }

  private static JsonNode tree(byte[] body) {
    if (body == null) {
      return null;
    }
    try {
      JsonNode n = Json.parse(body);
      return n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }
}
