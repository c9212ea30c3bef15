package dev.aegis.core.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.frame.JsonRpcId;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes the answer to a refused tool call: by default a tool result with {@code isError: true}, a
 * readable text and {@code structuredContent.aegis = {outcome, reason, decision_id}}, so the model
 * can adapt; or the seed's JSON-RPC errors. Stateless.
 */
final class Denials {
  private static final Map<String, String> WHY =
      Map.ofEntries(
          Map.entry("PERMISSION_UNDECLARED", "the tool is not declared in the capability manifest"),
          Map.entry("TOOL_DEFINITION_CHANGED", "the tool's definition changed since it was pinned"),
          Map.entry("EGRESS_DENY", "a destination is not in the allowed network domains"),
          Map.entry("BUDGET_EXCEEDED", "the session's step, tool-call or time budget is spent"),
          Map.entry("LOOP_DETECTED", "the call repeats a loop of earlier calls"),
          Map.entry("TAINTED_TO_HIGH_RISK", "untrusted content may not flow into this tool"),
          Map.entry("EXEC_DENY", "the program or its arguments are not allowed"),
          Map.entry("FS_DENY", "a path lies outside the allowed file roots"),
          Map.entry("APPROVAL_REQUIRED", "the call needs an operator's approval"),
          Map.entry("APPROVAL_DENIED", "the approval was refused"),
          Map.entry("RATE_LIMITED", "too many calls; retry later"),
          Map.entry("TIMEOUT", "the tool did not answer within the policy's timeout_ms"),
          Map.entry("OUTPUT_TOO_LARGE", "the tool's answer exceeded the policy's max_output_bytes"),
          Map.entry(Decision.POLICY_ERROR, "the policy could not be evaluated (fail closed)"));

  private Denials() {}

  static byte[] encode(JsonRpcId id, String tool, Decision d, String decisionId, boolean asError) {
    return encode(id, tool, d, decisionId, asError, null, false);
  }

  /**
   * As above; {@code extra} fields ({@code approval_token}, {@code expires_unix_ms}, {@code
   * detail}) are added to the structured content (or the error's data) and explained in the text;
   * {@code resultType} adds {@code "resultType": "complete"} to a result (2026-07-28 clients).
   */
  static byte[] encode(
      JsonRpcId id,
      String tool,
      Decision d,
      String decisionId,
      boolean asError,
      ObjectNode extra,
      boolean resultType) {
    String why = WHY.getOrDefault(d.reason(), "denied by policy");
    StringBuilder text =
        new StringBuilder("Aegis refused the call to tool '")
            .append(tool)
            .append("': ")
            .append(d.reason())
            .append(" (")
            .append(why)
            .append(").");
    if (extra != null && extra.path("detail").isTextual()) {
      text.append(' ').append(extra.get("detail").asText()).append('.');
    }
    if (extra != null && extra.path("approval_token").isTextual()) {
      String token = extra.get("approval_token").asText();
      text.append(" An operator can approve it with `aegisctl approve ")
          .append(token)
          .append("`; then retry the same call with _meta {\"io.aegis/approval_token\": \"")
          .append(token)
          .append("\"}.");
    }
    ObjectNode aegis = Json.object();
    aegis.put("outcome", d.outcome().wireName());
    aegis.put("reason", d.reason());
    aegis.put("decision_id", decisionId);
    if (extra != null) {
      aegis.setAll(extra);
    }
    String body;
    if (asError) {
      ObjectNode data = Json.object();
      data.put("source", "aegis");
      data.put("reason", d.reason());
      data.put("side", "client");
      data.put("outcome", d.outcome().wireName());
      data.put("decision_id", decisionId);
      data.put("tool", tool);
      if (extra != null) {
        data.setAll(extra);
      }
      ObjectNode err = Json.object();
      err.put("code", d.outcome() == Outcome.REQUIRE_APPROVAL ? -32001 : -32000);
      err.put("message", text.toString());
      err.set("data", data);
      body = "\"error\":" + Json.write(err);
    } else {
      ObjectNode result = Json.object();
      if (resultType) {
        result.put("resultType", "complete");
      }
      ArrayNode content = result.putArray("content");
      content.addObject().put("type", "text").put("text", text.toString());
      result.put("isError", true);
      result.putObject("structuredContent").set("aegis", aegis);
      body = "\"result\":" + Json.write(result);
    }
    String frame = "{\"jsonrpc\":\"2.0\",\"id\":" + id.toJson() + "," + body + "}";
    return frame.getBytes(StandardCharsets.UTF_8);
  }
}
