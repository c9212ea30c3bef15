package dev.aegis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A minimal stdio MCP server with one tool, {@code echo}, written without an SDK so that a
 * benchmark measures the proxy and not the server. Reads newline-delimited JSON-RPC from stdin,
 * answers {@code initialize}, {@code ping}, {@code tools/list} and {@code tools/call}, ignores
 * notifications and responses, writes and flushes one line per answer, exits at stdin EOF.
 */
public final class EchoServer {
  /** Protocol version answered when the client does not name one. */
  static final String DEFAULT_PROTOCOL_VERSION = "2025-06-18";

  static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonNode TOOLS = toolsListResult();

  private EchoServer() {}

  /** Serves stdin/stdout until stdin ends. */
  public static void main(String[] args) throws IOException {
    serve(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
  }

  /** Serves one connection until {@code in} ends; call from one thread. */
  public static void serve(InputStream in, OutputStream out) throws IOException {
    LineReader lines = new LineReader(in, MAX_LINE_BYTES);
    OutputStream o = new BufferedOutputStream(out, 64 * 1024);
    byte[] line;
    while ((line = lines.readLine()) != null) {
      byte[] answer = respond(line);
      if (answer != null) {
        o.write(answer);
        o.write('\n');
        o.flush();
      }
    }
    o.flush();
  }

  /** The answer to one line (without its newline), or null when nothing is to be answered. */
  static byte[] respond(byte[] line) {
    if (isBlank(line)) {
      return null;
    }
    JsonNode msg;
    try {
      msg = MAPPER.readTree(line);
    } catch (IOException e) {
      return error(NODES.nullNode(), -32700, "Parse error");
    }
    if (msg == null || !msg.isObject()) {
      return error(NODES.nullNode(), -32600, "Invalid Request");
    }
    JsonNode method = msg.get("method");
    JsonNode id = msg.get("id");
    if (method == null || !method.isTextual() || id == null) {
      return null; // a notification, or a response to a request we never send
    }
    JsonNode params = msg.path("params");
    switch (method.textValue()) {
      case "initialize":
        return result(id, initializeResult(params));
      case "ping":
        return result(id, NODES.objectNode());
      case "tools/list":
        return result(id, TOOLS);
      case "tools/call":
        return toolsCall(id, params);
      default:
        return error(id, -32601, "Method not found: " + method.textValue());
    }
  }

  private static byte[] toolsCall(JsonNode id, JsonNode params) {
    if (!"echo".equals(params.path("name").textValue())) {
      return error(id, -32602, "Unknown tool: " + params.path("name").asText());
    }
    JsonNode text = params.path("arguments").path("text");
    if (!text.isTextual()) {
      return error(id, -32602, "Invalid arguments: text must be a string");
    }
    ObjectNode content = NODES.objectNode().put("type", "text").put("text", text.textValue());
    ObjectNode result = NODES.objectNode();
    result.putArray("content").add(content);
    return result(id, result);
  }

  private static JsonNode initializeResult(JsonNode params) {
    JsonNode requested = params.path("protocolVersion");
    ObjectNode r = NODES.objectNode();
    r.put(
        "protocolVersion",
        requested.isTextual() ? requested.textValue() : DEFAULT_PROTOCOL_VERSION);
    r.putObject("capabilities").putObject("tools");
    r.putObject("serverInfo").put("name", "aegis-bench-echo").put("version", "1.0.0");
    return r;
  }

  private static JsonNode toolsListResult() {
    ObjectNode tool = NODES.objectNode();
    tool.put("name", "echo");
    tool.put("description", "Returns its text argument unchanged.");
    ObjectNode schema = tool.putObject("inputSchema");
    schema.put("type", "object");
    schema.putObject("properties").putObject("text").put("type", "string");
    schema.putArray("required").add("text");
    ObjectNode r = NODES.objectNode();
    r.putArray("tools").add(tool);
    return r;
  }

  private static byte[] result(JsonNode id, JsonNode result) {
    ObjectNode r = NODES.objectNode();
    r.put("jsonrpc", "2.0");
    r.set("id", id);
    r.set("result", result);
    return write(r);
  }

  private static byte[] error(JsonNode id, int code, String message) {
    ObjectNode r = NODES.objectNode();
    r.put("jsonrpc", "2.0");
    r.set("id", id);
    r.putObject("error").put("code", code).put("message", message);
    return write(r);
  }

  private static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
