package dev.aegis.examples;

import static dev.aegis.examples.ScriptedClient.args;

import dev.aegis.examples.Transcript.Step;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The fixed conversation with {@code @modelcontextprotocol/server-everything} 2026.8.31 on stdio;
 * it avoids the tools whose output varies (get-env, timestamps, random ids).
 */
final class EverythingScript {

  static final String ECHO = "echo"; // {message} -> "Echo: <message>"
  static final String SUM = "get-sum"; // {a, b} -> "The sum of a and b is a+b."
  static final String STRUCTURED = "get-structured-content"; // {location}, has an outputSchema
  static final String LONG_RUNNING = "trigger-long-running-operation"; // {duration s, steps}
  static final String SAMPLING = "trigger-sampling-request"; // {prompt, maxTokens}
  static final String ELICITATION = "trigger-elicitation-request"; // {}
  static final int BATCH = 10;

  private EverythingScript() {}

  static List<Step> run(ScriptedClient c) {
    List<Step> steps = new ArrayList<>();
    steps.add(Step.of("initialize", c.await(c.mcp.initialize())));
    steps.add(Step.of("tools/list", c.await(c.mcp.listTools())));
    steps.add(Step.of("echo", c.await(c.call(ECHO, args("message", "hello through aegis")))));
    steps.add(Step.of("get-sum", c.await(c.call(SUM, args("a", 2, "b", 3)))));
    steps.add(Step.of(STRUCTURED, c.await(c.call(STRUCTURED, args("location", "Chicago")))));
    steps.add(
        Step.of(
            LONG_RUNNING,
            c.await(c.callWithProgress(LONG_RUNNING, args("duration", 0.5, "steps", 5), "lro"))));
    steps.add(Step.of(LONG_RUNNING + " progress", c.progress("lro", 5)));
    steps.add(
        Step.of(
            SAMPLING,
            c.await(c.call(SAMPLING, args("prompt", "What does Aegis do?", "maxTokens", 50)))));
    steps.add(Step.of(ELICITATION, c.await(c.call(ELICITATION, args()))));
    steps.add(
        Step.of(
            "prompts/get",
            c.await(c.mcp.getPrompt(new GetPromptRequest("simple-prompt", args())))));
    List<Mono<CallToolResult>> batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      batch.add(batchCall(c, i));
    }
    // mergeSequential subscribes to every call at once but emits results in call order.
    steps.add(Step.of("concurrent", c.await(Flux.mergeSequential(batch).collectList())));
    for (int i = 0; i < BATCH; i += 4) {
      steps.add(Step.of("concurrent progress " + i, c.progress("batch-" + i, 2)));
    }
    steps.add(Step.of("server requests", c.serverRequests()));
    return steps;
  }

  private static Mono<CallToolResult> batchCall(ScriptedClient c, int i) {
    switch (i % 4) {
      case 0:
        return c.callWithProgress(LONG_RUNNING, args("duration", 0.2, "steps", 2), "batch-" + i);
      case 1:
        return c.call(ECHO, args("message", "concurrent " + i));
      case 2:
        return c.call(SUM, args("a", i, "b", 0.5));
      default:
        return c.call(SAMPLING, args("prompt", "concurrent " + i, "maxTokens", 10));
    }
  }
}
