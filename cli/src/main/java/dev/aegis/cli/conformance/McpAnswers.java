package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an MCP case reads the proxy's answer to a frame and compares it with a {@code want}: an Aegis
 * refusal (a tool result whose {@code structuredContent.aegis} holds {@code outcome} and {@code
 * reason}, or a JSON-RPC error whose {@code data.source} is {@code aegis}) gives its outcome and
 * reason; any other result is the server's answer, so the call was let through ({@code allow},
 * {@code OK}); any other JSON-RPC error is outcome {@code error}. Pure functions, thread-safe.
 */
final class McpAnswers {
  private static final Set<String> OUTCOMES = Set.of("allow", "deny", "require_approval");
  private static final Set<String> KEYS = Set.of("outcome", "reason", "result_contains", "result");

  private McpAnswers() {}

  /** What an answer says happened to the call. */
  record Verdict(String outcome, String reason) {}

  /** True for a frame that is a notification (its method under {@code notifications/}). */
  static boolean notification(JsonNode frame) {
    return frame.path("method").asText("").startsWith("notifications/");
  }

  /** Checks a want's shape; anything else throws {@link IOException} naming {@code at}. */
  static void validate(JsonNode want, String at) throws IOException {
    if (!want.isObject()) {
      throw new IOException(at + ": want must be an object");
    }
    for (Map.Entry<String, JsonNode> e : want.properties()) {
      if (!KEYS.contains(e.getKey())) {
        throw new IOException(
            at + ": unknown want field " + e.getKey() + " (expected " + KEYS + ")");
      }
    }
    String outcome = want.path("outcome").asText("");
    if (!OUTCOMES.contains(outcome)) {
      throw new IOException(at + ": want.outcome must be allow, deny or require_approval");
    }
    if (!outcome.equals("allow") && !want.path("reason").isTextual()) {
      throw new IOException(at + ": a refusal's want needs a reason");
    }
    if (want.has("result_contains") && !want.get("result_contains").isTextual()) {
      throw new IOException(at + ": want.result_contains must be a string");
    }
    JsonNode r = want.get("result");
    if (r != null) {
      if (!r.isObject()) {
        throw new IOException(at + ": want.result maps JSON pointers to values");
      }
      for (Map.Entry<String, JsonNode> e : r.properties()) {
        if (!e.getKey().startsWith("/")) {
          throw new IOException(at + ": want.result key " + e.getKey() + " is not a JSON pointer");
        }
      }
    }
  }

  /** The reason a want expects: its {@code reason}, else {@code OK}. */
  static String reason(JsonNode want) {
    return want.path("reason").asText("OK");
  }

  /** The verdict an answer carries. */
  static Verdict verdict(JsonNode answer) {
    JsonNode error = answer.get("error");
    if (error != null && error.isObject()) {
      JsonNode data = error.path("data");
      if ("aegis".equals(data.path("source").asText())) {
        return new Verdict(data.path("outcome").asText("deny"), data.path("reason").asText(""));
      }
      return new Verdict("error", "JSON-RPC " + error.path("code").asText());
    }
    JsonNode aegis = answer.at("/result/structuredContent/aegis");
    if (aegis.isObject()) {
      return new Verdict(aegis.path("outcome").asText(""), aegis.path("reason").asText(""));
    }
    return answer.path("result").isObject()
        ? new Verdict("allow", "OK")
        : new Verdict("error", "no result");
  }

  /** Null when the answer is what {@code want} expects, else what differs. */
  static String mismatch(JsonNode want, JsonNode answer) {
    Verdict got = verdict(answer);
    List<String> diffs = new ArrayList<>();
    String outcome = want.path("outcome").asText();
    if (!got.outcome().equals(outcome)) {
      diffs.add("outcome " + got.outcome() + " (want " + outcome + ")");
    }
    if (!got.reason().equals(reason(want))) {
      diffs.add("reason " + got.reason() + " (want " + reason(want) + ")");
    }
    JsonNode result = answer.path("result");
    if (want.has("result_contains")) {
      String text = want.get("result_contains").asText();
      if (!anyStringContains(result, text)) {
        diffs.add("no string in the result contains \"" + text + "\"");
      }
    }
    JsonNode pointers = want.path("result");
    for (Map.Entry<String, JsonNode> e : pointers.properties()) {
      JsonNode actual = result.at(e.getKey());
      if (!sameValue(actual, e.getValue())) {
        String shown = actual.isMissingNode() ? "missing" : Json.write(actual);
        diffs.add("result" + e.getKey() + " " + shown + " (want " + e.getValue() + ")");
      }
    }
    if (!diffs.isEmpty() && got.outcome().equals("error")) {
      diffs.add("error " + Json.write(answer.path("error")));
    }
    return diffs.isEmpty() ? null : String.join(", ", diffs);
  }

  private static boolean anyStringContains(JsonNode n, String text) {
    if (n.isTextual()) {
      return n.asText().contains(text);
    }
    for (JsonNode child : n) {
      if (anyStringContains(child, text)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0;
    }
    return a.equals(b);
  }
}
