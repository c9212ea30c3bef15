package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Compares a recorded chain with its replay event by event (same seq): event type, timestamp, user,
 * and every payload field after {@link Nondeterministic#mask masking}; for frames the proxy wrote
 * itself (origin "proxy") the masked frame bodies instead of their digests. Stateless.
 */
final class ExactComparison {
  /** More differences than this are cut off: past them the chains have long diverged. */
  static final int MAX_DIFFS = 1000;

  private ExactComparison() {}

  static List<DiffReport.Diff> compare(Recording recording, List<ChainRecord> replayed) {
    List<DiffReport.Diff> diffs = new ArrayList<>();
    int n = Math.max(recording.size(), replayed.size());
    for (int i = 0; i < n && diffs.size() < MAX_DIFFS; i++) {
      Recording.Event a = i < recording.size() ? recording.get(i) : null;
      ChainRecord r = i < replayed.size() ? replayed.get(i) : null;
      Envelope b = r == null ? null : EnvelopeHasher.parse(r.sealed());
      if (a == null || b == null || !a.type().equals(b.eventType())) {
        diffs.add(
            new DiffReport.Diff(
                i,
                "event_type",
                a == null ? null : TextNode.valueOf(a.type()),
                b == null ? null : TextNode.valueOf(b.eventType())));
        continue;
      }
      Envelope ea = a.envelope();
      if (ea.tsUnixMs() != b.tsUnixMs()) {
        diffs.add(
            new DiffReport.Diff(
                i, "ts_unix_ms", LongNode.valueOf(ea.tsUnixMs()), LongNode.valueOf(b.tsUnixMs())));
      }
      if (!ea.userId().equals(b.userId())) {
        diffs.add(
            new DiffReport.Diff(
                i, "user_id", TextNode.valueOf(ea.userId()), TextNode.valueOf(b.userId())));
      }
      payload(i, a, b, r.body(), diffs);
    }
    return diffs;
  }

  private static void payload(
      long seq, Recording.Event a, Envelope b, byte[] replayedBody, List<DiffReport.Diff> diffs) {
    if (a.payload().equals(b.payload()) && Arrays.equals(a.body(), replayedBody)) {
      return; // equal before masking, so equal after it: the common case, without the copies
    }
    ObjectNode pa = (ObjectNode) Nondeterministic.mask(a.payload());
    ObjectNode pb = (ObjectNode) Nondeterministic.mask(b.payload());
    boolean proxyFrames =
        a.type().equals("MCP_FRAME")
            && pa.path("origin").asText().equals("proxy")
            && pb.path("origin").asText().equals("proxy");
    if (proxyFrames) {
      JsonNode ba = body(a.body());
      JsonNode bb = body(replayedBody);
      if (!ba.equals(bb)) {
        diffs.add(new DiffReport.Diff(seq, "body", ba, bb));
      }
      pa.remove(List.of("body_sha256", "body_len"));
      pb.remove(List.of("body_sha256", "body_len"));
    }
    TreeSet<String> keys = new TreeSet<>();
    pa.fieldNames().forEachRemaining(keys::add);
    pb.fieldNames().forEachRemaining(keys::add);
    for (String k : keys) {
      JsonNode x = pa.get(k);
      JsonNode y = pb.get(k);
      if (x == null || !x.equals(y)) {
        diffs.add(new DiffReport.Diff(seq, "payload." + k, x, y));
      }
    }
  }

  /** A proxy frame's body, parsed and masked; its text when it is not JSON. */
  private static JsonNode body(byte[] bytes) {
    if (bytes == null) {
      return Json.MAPPER.nullNode();
    }
    try {
      return Nondeterministic.mask(Json.parse(bytes));
    } catch (IOException e) {
      return TextNode.valueOf(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
