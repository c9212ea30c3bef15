package dev.aegis.examples;

import static dev.aegis.examples.ScriptedClient.args;

import dev.aegis.examples.Transcript.Step;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The fixed conversation with {@link ExampleServer}. */
final class ExampleScript {

  static final int BATCH = 12;

  private ExampleScript() {}

  static List<Step> run(ScriptedClient c) {
    List<Step> steps = new ArrayList<>();
    steps.add(Step.of("initialize", c.await(c.mcp.initialize())));
    steps.add(Step.of("tools/list", c.await(c.mcp.listTools())));
    steps.add(Step.of("echo", c.await(c.call("echo", args("text", "hello through aegis")))));
    steps.add(Step.of("add", c.await(c.call("add", args("a", 2, "b", 3)))));
    steps.add(
        Step.of(
            "count_slowly", c.await(c.callWithProgress("count_slowly", args("n", 5), "count-5"))));
    steps.add(Step.of("count_slowly progress", c.progress("count-5", 5)));
    steps.add(
        Step.of(
            "confirm_action",
            c.await(c.call("confirm_action", args("action", "delete the demo note")))));
    steps.add(
        Step.of(
            "ask_model", c.await(c.call("ask_model", args("question", "What does Aegis do?")))));
    steps.add(Step.of("read_note", c.await(c.call("read_note", args()))));
    steps.add(Step.of("delete_note", c.await(c.call("delete_note", args()))));
    steps.add(
        Step.of(
            "resources/read",
            c.await(c.mcp.readResource(new ReadResourceRequest(ExampleContent.NOTE_URI)))));
    steps.add(
        Step.of(
            "prompts/get",
            c.await(c.mcp.getPrompt(new GetPromptRequest("summarize", args("topic", "chains"))))));
    List<Mono<CallToolResult>> batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      batch.add(batchCall(c, i));
    }
    // mergeSequential subscribes to every call at once but emits results in call order.
    steps.add(Step.of("concurrent", c.await(Flux.mergeSequential(batch).collectList())));
    for (int i = 0; i < BATCH; i += 4) {
      steps.add(Step.of("concurrent progress " + i, c.progress("batch-" + i, 3)));
    }
    steps.add(Step.of("server requests", c.serverRequests()));
    return steps;
  }

  private static Mono<CallToolResult> batchCall(ScriptedClient c, int i) {
    switch (i % 4) {
      case 0:
        return c.callWithProgress("count_slowly", args("n", 3), "batch-" + i);
      case 1:
        return c.call("echo", args("text", "concurrent " + i));
      case 2:
        return c.call("add", args("a", i, "b", 0.5));
      default:
        return i == BATCH - 1
            ? c.call("confirm_action", args("action", "concurrent " + i))
            : c.call("ask_model", args("question", "concurrent " + i));
    }
  }
}
