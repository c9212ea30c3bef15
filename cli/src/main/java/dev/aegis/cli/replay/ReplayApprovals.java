package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.approval.ApprovalStatus;
import dev.aegis.core.approval.ApprovalStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The approval store of a replay: the recorded APPROVAL_DECIDED events stand in for the operator. A
 * request the replayed proxy creates is matched to the recorded request of the same call (call id
 * and tool, in order); the recorded token is an alias of the replayed one, so a recorded retry
 * carrying it finds the replayed request. An operator's recorded decision becomes visible when the
 * driver {@link #due releases} it, i.e. when the replay reaches the point of the recording where it
 * was taken; a decision redeemed by a token retry is visible at once; an elicitation answer is
 * applied when the recorded answer is fed back ({@link #decide}). A request the recording does not
 * have (what-if) is denied at once with {@link #NO_RECORDED_DECISION}. Thread-safe (synchronized).
 */
final class ReplayApprovals implements ApprovalStore {
  /** Who "decided" a request the recording has no decision for. */
  static final String NO_RECORDED_DECISION = "replay: no recorded decision";

  /** A recorded operator request: its call, token, and where its decision and verdict are. */
  private record Recorded(
      String callId,
      String tool,
      String token,
      JsonNode decided,
      long decidedSeq,
      long verdictSeq) {}

  private static final class Entry {
    final Recorded recorded;
    ApprovalRecord record;
    boolean released;
    boolean awaited;

    Entry(Recorded recorded, ApprovalRecord record) {
      this.recorded = recorded;
      this.record = record;
    }
  }

  private final List<Recorded> unmatched = new ArrayList<>();
  private final Map<String, Entry> byToken = new LinkedHashMap<>();
  private final Map<String, String> aliases = new HashMap<>();
  private final List<String> notes = new ArrayList<>();

  ReplayApprovals(Recording recording) {
    for (Recording.Event e : recording.events()) {
      JsonNode p = e.payload();
      if (!e.type().equals("APPROVAL_REQUESTED") || !p.path("approval_token").isTextual()) {
        continue;
      }
      String token = p.get("approval_token").asText();
      Recording.Event decided = null;
      long verdict = -1;
      for (Recording.Event later : recording.events().subList((int) e.seq(), recording.size())) {
        JsonNode lp = later.payload();
        if (decided == null
            && later.type().equals("APPROVAL_DECIDED")
            && token.equals(lp.path("approval_token").asText())) {
          decided = later;
        }
        if ((later.type().equals("TOOL_CALL_ALLOWED") || later.type().equals("TOOL_CALL_DENIED"))
            && lp.path("proposal_seq").asLong(-2) == p.path("proposal_seq").asLong(-1)) {
          verdict = later.seq();
          break;
        }
      }
      unmatched.add(
          new Recorded(
              p.path("call_id").asText(),
              p.path("tool_name").asText(),
              token,
              decided == null ? null : decided.payload(),
              decided == null ? -1 : decided.seq(),
              verdict));
    }
  }

  @Override
  public synchronized void create(ApprovalRecord request) {
    Recorded match = null;
    for (Recorded r : unmatched) {
      if (r.callId().equals(request.callId()) && r.tool().equals(request.toolName())) {
        match = r;
        break;
      }
    }
    Entry entry = new Entry(match, request);
    byToken.put(request.token(), entry);
    if (match == null) {
      notes.add(
          "call " + request.callId() + " (" + request.toolName() + ") " + NO_RECORDED_DECISION);
      entry.record = request.decided(false, null, NO_RECORDED_DECISION, null, 0);
      entry.released = true;
      return;
    }
    unmatched.remove(match);
    aliases.put(match.token(), request.token());
  }

  @Override
  public synchronized Optional<ApprovalRecord> find(String token) {
    Entry e = byToken.get(aliases.getOrDefault(token, token));
    if (e == null) {
      return Optional.empty();
    }
    Recorded r = e.recorded;
    if (r != null && r.decided() != null && e.record.status() == ApprovalStatus.PENDING) {
      String channel = r.decided().path("channel").asText();
      boolean visible = channel.equals("token") || (channel.equals("operator") && e.released);
      if (visible) {
        e.record = fromRecording(e.record, r);
      }
    }
    return Optional.of(e.record);
  }

  private static ApprovalRecord fromRecording(ApprovalRecord pending, Recorded r) {
    JsonNode d = r.decided();
    boolean approved = d.path("approved").asBoolean(false);
    JsonNode edited = null;
    if (approved && d.path("args_diff").isArray() && d.get("args_diff").size() > 0) {
      ObjectNode args = pending.args().isObject() ? ((ObjectNode) pending.args()).deepCopy() : null;
      if (args != null) {
        for (JsonNode op : d.get("args_diff")) {
          if (op.path("op").asText().equals("remove")) {
            args.remove(op.path("key").asText());
          } else {
            args.set(op.path("key").asText(), op.path("after"));
          }
        }
        edited = args;
      }
    }
    String by = d.path("decided_by").isTextual() ? d.get("decided_by").asText() : null;
    String message = d.path("message").isTextual() ? d.get("message").asText() : null;
    return pending.decided(approved, edited, by, message, pending.createdUnixMs());
  }

  @Override
  public synchronized Decided decide(
      String token,
      boolean approve,
      JsonNode editedArgs,
      String decidedBy,
      String message,
      long nowUnixMs) {
    Entry e = byToken.get(aliases.getOrDefault(token, token));
    if (e == null) {
      return new Decided(Outcome.NOT_FOUND, null);
    }
    if (e.record.status() != ApprovalStatus.PENDING) {
      return new Decided(Outcome.ALREADY_DECIDED, e.record);
    }
    e.record = e.record.decided(approve, editedArgs, decidedBy, message, nowUnixMs);
    return new Decided(Outcome.DECIDED, e.record);
  }

  @Override
  public synchronized boolean consume(String token, long nowUnixMs) {
    Entry e = byToken.get(aliases.getOrDefault(token, token));
    if (e == null || e.record.status() != ApprovalStatus.APPROVED || e.record.usedUnixMs() != 0) {
      return false;
    }
    e.record = e.record.usedAt(Math.max(1, nowUnixMs));
    return true;
  }

  @Override
  public List<ApprovalRecord> list(
      String tenantId, boolean pendingOnly, long nowUnixMs, int limit) {
    return List.of();
  }

  /**
   * Releases the recorded operator decisions taken before recorded seq {@code next} (the next
   * recorded frame to feed) and returns the call ids of held calls whose recorded verdict comes
   * before it: the driver waits for the replayed session to answer them before feeding on.
   */
  synchronized List<String> due(long next) {
    List<String> calls = new ArrayList<>();
    for (Entry e : byToken.values()) {
      Recorded r = e.recorded;
      if (r != null && r.decidedSeq() >= 0 && r.decidedSeq() < next) {
        e.released = true;
      }
      long verdict = r == null ? -1 : r.verdictSeq();
      if (!e.awaited && r != null && verdict >= 0 && verdict < next) {
        e.awaited = true;
        calls.add(e.record.callId());
      }
    }
    return calls;
  }

  /** Remarks for the report: requests the recording had no decision for. */
  synchronized List<String> notes() {
    return List.copyOf(notes);
  }
}
