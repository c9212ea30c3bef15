package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.util.List;

/**
 * The outcome of an exact replay: how many recorded events were replayed and every difference.
 * Immutable.
 *
 * @param sessionId the replayed session
 * @param mode {@code exact}
 * @param stepsReplayed recorded frames fed through the replayed session
 * @param diffs the differences, in seq order (empty when identical, never null)
 * @param notes remarks on what the replay could not do (never null)
 */
public record DiffReport(
    String sessionId, String mode, long stepsReplayed, List<Diff> diffs, List<String> notes) {

  /**
   * One difference: at recorded {@code seq}, {@code field} was {@code recorded}, now {@code
   * replayed}.
   */
  public record Diff(long seq, String field, JsonNode recorded, JsonNode replayed) {
    ObjectNode toJson() {
      ObjectNode o = Json.object();
      o.put("seq", seq);
      o.put("field", field);
      o.set("recorded", recorded == null ? Json.MAPPER.nullNode() : recorded);
      o.set("replayed", replayed == null ? Json.MAPPER.nullNode() : replayed);
      return o;
    }
  }

  /** Copies the lists. */
  public DiffReport {
    requireNonNull(sessionId, "sessionId");
    requireNonNull(mode, "mode");
    diffs = List.copyOf(diffs);
    notes = List.copyOf(notes);
  }

  /** True when nothing differs. */
  public boolean identical() {
    return diffs.isEmpty();
  }

  /** The JSON form: {session_id, mode, steps_replayed, identical, diffs, notes}. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("session_id", sessionId);
    o.put("mode", mode);
    o.put("steps_replayed", stepsReplayed);
    o.put("identical", identical());
    var arr = o.putArray("diffs");
    diffs.forEach(d -> arr.add(d.toJson()));
    var n = o.putArray("notes");
    notes.forEach(n::add);
    return o;
  }

  /** The human summary: a verdict line, then one line per difference (the first 50). */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append("session ")
        .append(sessionId)
        .append(": ")
        .append(stepsReplayed)
        .append(" frames replayed, ")
        .append(identical() ? "identical" : diffs.size() + " difference(s)")
        .append('\n');
    int shown = 0;
    for (Diff d : diffs) {
      if (shown++ == 50) {
        b.append("  … ").append(diffs.size() - 50).append(" more (use --json)\n");
        break;
      }
      b.append("  seq ")
          .append(d.seq())
          .append(' ')
          .append(d.field())
          .append(": ")
          .append(brief(d.recorded()))
          .append(" → ")
          .append(brief(d.replayed()))
          .append('\n');
    }
    notes.forEach(n -> b.append("  note: ").append(n).append('\n'));
    return b.toString();
  }

  static String brief(JsonNode v) {
    if (v == null || v.isNull()) {
      return "(none)";
    }
    String s = v.isTextual() ? v.asText() : Json.write(v);
    return s.length() > 120 ? s.substring(0, 117) + "…" : s;
  }
}
