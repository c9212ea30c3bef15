package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.time.Duration;

/**
 * A live MCP server that a live replay talks to (a stdio child or a Streamable HTTP endpoint).
 * Requests the server sends on its own are answered by the target: {@code ping} with an empty
 * result, anything else with error -32601 (a live replay has no client to ask). Not thread-safe:
 * one caller issues requests one at a time.
 */
interface LiveTarget extends AutoCloseable {
  /**
   * Sends a request and waits at most {@code timeout} for its answer (the whole response message).
   * Throws {@link ReplayException} when the server does not answer in time or goes away.
   */
  JsonNode request(ObjectNode request, Duration timeout) throws InterruptedException;

  /** Sends a notification (no answer expected); throws {@link ReplayException} on I/O failure. */
  void notify(ObjectNode notification);

  /** Stops the server (stdio) or ends the MCP session (HTTP); never throws. */
  @Override
  void close();

  /** The answer to a request the server sent: {@code ping} gets {} and the rest -32601. */
  static ObjectNode answerServerRequest(JsonNode request) {
    ObjectNode answer = Json.object().put("jsonrpc", "2.0");
    answer.set("id", request.get("id"));
    if ("ping".equals(request.path("method").asText())) {
      answer.putObject("result");
    } else {
      answer
          .putObject("error")
          .put("code", -32601)
          .put("message", "aegisctl replay --mode live does not answer server requests");
    }
    return answer;
  }

  /** True for a JSON-RPC request (method and id). */
  static boolean isRequest(JsonNode n) {
    return n.hasNonNull("method") && n.has("id");
  }

  /** True for a JSON-RPC response (id, no method). */
  static boolean isResponse(JsonNode n) {
    return !n.has("method") && n.has("id") && (n.has("result") || n.has("error"));
  }
}
