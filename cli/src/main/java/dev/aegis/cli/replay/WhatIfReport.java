package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.util.List;

/**
 * What a different manifest or policy would have decided in recorded sessions: every call whose
 * decision (outcome, reason) or verdict changes. Immutable.
 *
 * @param sessions one entry per replayed session, in the order replayed
 */
public record WhatIfReport(List<Session> sessions) {
  /**
   * One call that would be decided differently. {@code seq} is the recorded seq of the call's
   * request frame; {@code noRecordedResult} marks a call that would now run but has no recorded
   * server answer (the replay went on without one).
   */
  public record Change(
      long seq,
      String callId,
      String tool,
      CallTrail.Call recorded,
      CallTrail.Call replayed,
      boolean noRecordedResult) {
    ObjectNode toJson() {
      ObjectNode o = Json.object();
      o.put("seq", seq);
      o.put("call_id", callId);
      o.put("tool", tool);
      o.set("recorded", side(recorded));
      o.set("replayed", side(replayed));
      o.put("no_recorded_result", noRecordedResult);
      return o;
    }

    private static ObjectNode side(CallTrail.Call c) {
      ObjectNode o = Json.object();
      if (c == null) {
        o.putNull("outcome");
        return o;
      }
      o.put("decision_seq", c.decisionSeq());
      o.put("outcome", c.outcome());
      o.put("reason", c.reason());
      o.put("verdict", c.verdict());
      o.put("executed", c.executed());
      return o;
    }

    String line() {
      return "seq "
          + seq
          + " "
          + tool
          + " (call "
          + callId
          + "): "
          + brief(recorded)
          + " → "
          + brief(replayed)
          + (noRecordedResult ? " [no_recorded_result]" : "");
    }

    private static String brief(CallTrail.Call c) {
      if (c == null || c.outcome() == null) {
        return "(no decision)";
      }
      String v = c.verdict() == null ? "" : ", " + c.verdict();
      return c.outcome() + " " + c.reason() + v;
    }
  }

  /** One replayed session: calls decided, the changes, and remarks. */
  public record Session(
      String sessionId,
      long stepsReplayed,
      long decisions,
      List<Change> changes,
      List<String> notes) {
    /** Copies the lists. */
    public Session {
      changes = List.copyOf(changes);
      notes = List.copyOf(notes);
    }
  }

  /** Copies the list. */
  public WhatIfReport {
    sessions = List.copyOf(sessions);
  }

  /** Calls that change, over every session. */
  public long changed() {
    return sessions.stream().mapToLong(s -> s.changes().size()).sum();
  }

  /** The JSON form: {mode, sessions: [{session_id, steps_replayed, decisions, changes, notes}]}. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("mode", "what-if");
    o.put("changed", changed());
    ArrayNode list = o.putArray("sessions");
    for (Session s : sessions) {
      ObjectNode so = list.addObject();
      so.put("session_id", s.sessionId());
      so.put("steps_replayed", s.stepsReplayed());
      so.put("decisions", s.decisions());
      ArrayNode ch = so.putArray("changes");
      s.changes().forEach(c -> ch.add(c.toJson()));
      ArrayNode n = so.putArray("notes");
      s.notes().forEach(n::add);
    }
    return o;
  }

  /** The human summary: per session, the changed calls. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    for (Session s : sessions) {
      b.append("session ")
          .append(s.sessionId())
          .append(": ")
          .append(s.decisions())
          .append(" decisions, ")
          .append(s.changes().size())
          .append(" would change\n");
      s.changes().forEach(c -> b.append("  ").append(c.line()).append('\n'));
      s.notes().forEach(n -> b.append("  note: ").append(n).append('\n'));
    }
    b.append(changed()).append(" decision(s) would change in ").append(sessions.size());
    b.append(" session(s)\n");
    return b.toString();
  }
}
