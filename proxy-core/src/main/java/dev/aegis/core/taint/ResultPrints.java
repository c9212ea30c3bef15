package dev.aegis.core.taint;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The fingerprints of one tool result, in order of first occurrence (atoms first).
 *
 * @param values the fingerprints, at most {@link Fingerprints#MAX_PER_RESULT}
 * @param window the winnowing window used, in k-grams: copies of {@code K + window - 1} code points
 *     are detected
 * @param truncated whether fingerprints were left out past the widest window (content beyond them
 *     is not tracked)
 */
public record ResultPrints(List<Long> values, int window, boolean truncated) {
  /** Copies the values. */
  public ResultPrints {
    values = List.copyOf(values);
  }

  /**
   * Adds {@code fingerprints} (hex strings), {@code fingerprint_window} and, when cut, {@code
   * fingerprints_truncated: true} to a TOOL_RESULT payload.
   */
  public void writeTo(ObjectNode payload) {
    ArrayNode a = payload.putArray("fingerprints");
    values.forEach(v -> a.add(Fingerprints.hex(v)));
    payload.put("fingerprint_window", window);
    if (truncated) {
      payload.put("fingerprints_truncated", true);
    }
  }

  /** Counts only: a result's text never goes to logs. */
  @Override
  public String toString() {
    return "ResultPrints[" + values.size() + " fingerprints, window " + window + "]";
  }
}
