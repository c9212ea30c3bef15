package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.Version;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stdio MCP server run as a child process (its stderr goes to ours) and spoken to with
 * newline-delimited JSON-RPC, just far enough to list its tools. Every wait is bounded by the
 * timeout. Not thread-safe: one caller; a daemon thread reads the child's stdout into a queue.
 */
final class ManifestInitSession implements AutoCloseable {
  /** The protocol version offered in initialize. */
  static final String PROTOCOL_VERSION = "2025-06-18";

  /** Longest line read from the server; longer ones are skipped with a note. */
  static final int MAX_LINE_BYTES = 16 << 20;

  /** Most tools/list pages followed before giving up on a server that never stops paging. */
  static final int MAX_PAGES = 1000;

  /** How long each stopping step (stdin closed, TERM, KILL) waits for the child to exit. */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private static final LineReader.Line EOF = new LineReader.Line(new byte[0], -1);

  private final Process process;
  private final String name;
  private final Duration timeout;
  private final PrintWriter err;
  private final OutputStream stdin;
  private final BlockingQueue<LineReader.Line> lines = new ArrayBlockingQueue<>(256);
  private final Thread reader;
  private long nextId = 1;

  private ManifestInitSession(Process process, String name, Duration timeout, PrintWriter err) {
    this.process = process;
    this.name = name;
    this.timeout = timeout;
    this.err = err;
    this.stdin = process.getOutputStream();
    this.reader = new Thread(this::readStdout, "aegisctl-init-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the command; a command that cannot be started is a {@link CtlException}. */
  static ManifestInitSession start(List<String> command, Duration timeout, PrintWriter err) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectError(Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new CtlException("cannot start " + command.get(0) + ": " + CtlErrors.describe(e));
    }
    return new ManifestInitSession(p, command.get(0), timeout, err);
  }

  /** Sends initialize and notifications/initialized; returns the initialize result. */
  ObjectNode initialize() {
    ObjectNode params = Json.object().put("protocolVersion", PROTOCOL_VERSION);
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "aegisctl").put("version", Version.get());
    ObjectNode result = request("initialize", params);
    send(
        Json.object().put("jsonrpc", "2.0").put("method", "notifications/initialized"),
        "reading notifications/initialized");
    return result;
  }

  /** Every tool of every tools/list page, following nextCursor, in the server's order. */
  List<JsonNode> listTools() {
    List<JsonNode> tools = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      ObjectNode params = Json.object();
      if (cursor != null) {
        params.put("cursor", cursor);
      }
      ObjectNode result = request("tools/list", params);
      JsonNode list = result.get("tools");
      if (list == null || !list.isArray()) {
        throw new CtlException(name + " answered tools/list without a tools array");
      }
      list.forEach(tools::add);
      JsonNode next = result.get("nextCursor");
      if (next == null || !next.isTextual() || next.asText().isEmpty()) {
        return tools;
      }
      cursor = next.asText();
      if (!cursors.add(cursor)) {
        throw new CtlException(name + " repeated tools/list cursor " + Json.write(next));
      }
    }
    throw new CtlException(name + " sent more than " + MAX_PAGES + " tools/list pages");
  }

  /** Sends a request and waits at most the timeout for its result, answering server requests. */
  private ObjectNode request(String method, ObjectNode params) {
    long id = nextId++;
    ObjectNode req = Json.object().put("jsonrpc", "2.0").put("id", id).put("method", method);
    req.set("params", params);
    send(req, "answering " + method);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      LineReader.Line line = poll(deadline, method);
      if (line.bytes() == null) {
        note("skipped a " + line.length() + "-byte line (over the " + MAX_LINE_BYTES + " cap)");
        continue;
      }
      JsonNode msg = parse(line.bytes());
      if (msg == null) {
        continue;
      }
      if (msg.has("method")) {
        answerServer(msg);
      } else if (msg.path("id").isIntegralNumber() && msg.get("id").asLong() == id) {
        return result(method, msg);
      } else {
        note("skipped a message that answers no pending request: id " + msg.get("id"));
      }
    }
  }

  private LineReader.Line poll(long deadline, String method) {
    LineReader.Line line;
    try {
      line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("interrupted while waiting for " + name + " to answer " + method);
    }
    if (line == null) {
      throw new CtlException(
          name
              + " did not answer "
              + method
              + " within "
              + ManifestInitTimeout.describe(timeout)
              + " (is it a stdio MCP server? --timeout sets the wait)");
    }
    if (line == EOF) {
      throw gone("answering " + method, "closed its stdout");
    }
    return line;
  }

  private JsonNode parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return null;
    }
    JsonNode msg;
    try {
      msg = Json.parse(bytes);
    } catch (IOException e) {
      msg = null;
    }
    if (msg == null || !msg.isObject()) {
      // Control characters (terminal escapes in a server's log line) never reach our stderr.
      String clean = text.replaceAll("\\p{Cntrl}", "?");
      String excerpt = clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
      note("skipped a line on the server's stdout that is not a JSON-RPC message: " + excerpt);
      return null;
    }
    return msg;
  }

  /** Requests get "method not found" so the server is not left waiting; notifications nothing. */
  private void answerServer(JsonNode msg) {
    JsonNode id = msg.get("id");
    if (id == null || id.isNull()) {
      return;
    }
    ObjectNode reply = Json.object().put("jsonrpc", "2.0").set("id", id.deepCopy());
    reply
        .putObject("error")
        .put("code", -32601)
        .put("message", "aegisctl manifest init does not support " + msg.path("method").asText());
    send(reply, "reading the answer to its " + msg.path("method").asText() + " request");
  }

  private ObjectNode result(String method, JsonNode msg) {
    JsonNode error = msg.get("error");
    if (error != null) {
      throw new CtlException(
          name
              + " answered "
              + method
              + " with error "
              + error.path("code").asText("?")
              + ": "
              + error.path("message").asText(""));
    }
    JsonNode result = msg.get("result");
    if (result == null || !result.isObject()) {
      throw new CtlException(name + " answered " + method + " without a result object");
    }
    return (ObjectNode) result;
  }

  /** Writes one message; {@code before} says what the server was to do next, for errors. */
  private void send(ObjectNode msg, String before) {
    try {
      stdin.write((Json.write(msg) + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw gone(before, "could not be written to (" + CtlErrors.describe(e) + ")");
    }
  }

  /** The server stopped talking: says so, with its exit status when it has exited. */
  private CtlException gone(String before, String what) {
    try {
      if (process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        return new CtlException(
            name + " exited with status " + process.exitValue() + " before " + before);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new CtlException(name + " " + what + " before " + before);
  }

  private void note(String message) {
    err.println("aegisctl: note: " + message);
    err.flush();
  }

  private void readStdout() {
    LineReader in = new LineReader(process.getInputStream(), MAX_LINE_BYTES);
    try {
      for (LineReader.Line line = in.next(); line != null; line = in.next()) {
        lines.put(line);
      }
      lines.put(EOF);
    } catch (IOException e) {
      lines.offer(EOF);
    } catch (InterruptedException e) {
      // close() stops the reader.
    }
  }

  /** Closes the child's stdin and waits for it to exit; then TERM, then KILL, each bounded. */
  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // The child may be gone already; stopping it below does not need its stdin.
    }
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        note(name + " did not exit after its stdin closed; stopping it (TERM)");
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          note(name + " did not stop on TERM; killing it");
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      reader.interrupt();
    }
  }
}
