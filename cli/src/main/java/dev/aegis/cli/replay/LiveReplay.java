package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.json.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Live replay: re-issues a recorded session's tool calls to a live MCP server and compares each
 * answer with the recorded one, semantically ({@link JsonDiff}). The server is initialized with the
 * recorded client's initialize params; only calls that reached the server in the recording are
 * re-issued, in recorded order (the recorded decisions are the filter: the guard is not consulted
 * again); calls to tools the recorded catalog marks destructive only when allowed. Blocking; not
 * thread-safe.
 */
public final class LiveReplay {
  /**
   * How a live replay runs.
   *
   * @param ignore {@code [TOOL:]POINTER} patterns of result fields not compared
   * @param allowDestructive whether calls to destructive tools are re-issued
   * @param timeout how long each answer is awaited
   */
  public record Options(List<String> ignore, boolean allowDestructive, Duration timeout) {
    /**
     * Copies the list; throws {@link IllegalArgumentException} on a malformed pattern or a timeout
     * that is not positive.
     */
    public Options {
      ignore = List.copyOf(ignore);
      ignore.forEach(JsonPointerPattern::parse);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
    }
  }

  private final Options options;
  private final List<JsonPointerPattern> ignored;

  /** A live replay with these options. */
  public LiveReplay(Options options) {
    this.options = requireNonNull(options, "options");
    this.ignored = options.ignore().stream().map(JsonPointerPattern::parse).toList();
  }

  /**
   * The live server: a stdio command (started for the replay and stopped after it) or a Streamable
   * HTTP endpoint (its MCP session ended after it); exactly one of the two.
   */
  public record Server(List<String> command, URI endpoint, int maxFrameBytes) {
    /** Checks that exactly one of command and endpoint is given. */
    public Server {
      command = command == null ? List.of() : List.copyOf(command);
      if (command.isEmpty() == (endpoint == null)) {
        throw new IllegalArgumentException("expected: a server command or an endpoint");
      }
    }

    LiveTarget open() {
      return endpoint != null
          ? new HttpTarget(endpoint)
          : StdioTarget.start(command, maxFrameBytes);
    }
  }

  /**
   * Replays one session against {@code server}. Throws {@link ReplayException} when the session
   * cannot be read or the server cannot be started, refuses initialize, stops answering or goes
   * away.
   */
  public DiffReport run(ChainStore store, String tenantId, String sessionId, Server server)
      throws InterruptedException {
    LivePlan plan;
    try {
      plan = LivePlan.of(Recording.read(store, tenantId, sessionId));
    } catch (IllegalArgumentException e) {
      throw new ReplayException(e.getMessage());
    }
    List<DiffReport.Diff> diffs = new ArrayList<>();
    List<String> notes = new ArrayList<>(plan.notes());
    long replayed = 0;
    try (LiveTarget target = server.open()) {
      initialize(target, plan, notes);
      long id = 1;
      for (LivePlan.Call c : plan.calls()) {
        String skip = skipReason(plan, c);
        if (skip != null) {
          notes.add("seq " + c.seq() + " " + c.tool() + ": not re-issued, " + skip);
          continue;
        }
        ObjectNode request = c.request().deepCopy();
        request.put("id", "live-" + id++);
        JsonNode answer = target.request(request, options.timeout());
        replayed++;
        compare(c, answer, diffs);
      }
    }
    return new DiffReport(sessionId, "live", replayed, diffs, notes);
  }

  private void initialize(LiveTarget target, LivePlan plan, List<String> notes)
      throws InterruptedException {
    if (plan.initializeParams() == null) {
      notes.add("the recording has no initialize (a stateless client): calls sent without one");
      return;
    }
    ObjectNode init = Json.object().put("jsonrpc", "2.0").put("id", "live-init");
    init.put("method", "initialize");
    init.set("params", plan.initializeParams());
    JsonNode answer = target.request(init, options.timeout());
    if (!answer.has("result")) {
      throw new ReplayException("the server refused initialize: " + Json.write(answer));
    }
    target.notify(Json.object().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
  }

  private String skipReason(LivePlan plan, LivePlan.Call c) {
    if (!c.executed()) {
      return "the recording did not run it (" + c.verdict() + ")";
    }
    if (c.recordedAnswer() == null) {
      return "the recording has no answer from the server to compare with";
    }
    if (plan.destructive(c.tool()) && !options.allowDestructive()) {
      return "destructive (the recorded catalog does not mark it readOnlyHint or"
          + " destructiveHint: false); --allow-destructive runs it";
    }
    return null;
  }

  private void compare(LivePlan.Call c, JsonNode live, List<DiffReport.Diff> diffs) {
    JsonNode was = c.recordedAnswer();
    if (was.has("result") && live.has("result")) {
      List<JsonPointerPattern> forTool =
          ignored.stream().filter(p -> p.appliesTo(c.tool())).toList();
      for (JsonDiff.Entry d :
          new JsonDiff(forTool).compare(was.get("result"), live.get("result"))) {
        diffs.add(new DiffReport.Diff(c.seq(), d.pointer(), d.left(), d.right()));
      }
    } else if (was.has("error") && live.has("error")) {
      for (JsonDiff.Entry d :
          new JsonDiff(List.of()).compare(was.get("error"), live.get("error"))) {
        diffs.add(new DiffReport.Diff(c.seq(), "error" + d.pointer(), d.left(), d.right()));
      }
    } else {
      diffs.add(new DiffReport.Diff(c.seq(), "answer", outcome(was), outcome(live)));
    }
  }

  /** The answer without its jsonrpc and id: {"result":…} or {"error":…}. */
  private static JsonNode outcome(JsonNode answer) {
    ObjectNode o = answer.deepCopy();
    o.remove("jsonrpc");
    o.remove("id");
    return o;
  }
}
