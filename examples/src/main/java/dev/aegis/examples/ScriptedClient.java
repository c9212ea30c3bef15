package dev.aegis.examples;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * An MCP Java SDK async client over stdio whose sampling and elicitation handlers answer fixed
 * content, and which records the server-initiated traffic it saw.
 */
final class ScriptedClient implements AutoCloseable {

  static final String MODEL = "aegis-scripted-model";
  static final String MODEL_TEXT = "Aegis relays every frame unchanged.";
  static final Map<String, Object> ELICITED = elicitedContent();

  final McpAsyncClient mcp;
  private final Duration timeout;
  private final Queue<ProgressNotification> progress = new ConcurrentLinkedQueue<>();
  private final Queue<String> samplingPrompts = new ConcurrentLinkedQueue<>();
  private final Queue<String> elicitationMessages = new ConcurrentLinkedQueue<>();

  ScriptedClient(List<String> command, Map<String, String> env, Duration timeout) {
    this.timeout = timeout;
    ServerParameters params =
        ServerParameters.builder(command.get(0))
            .args(command.subList(1, command.size()))
            .env(env)
            .build();
    var transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
    transport.setStdErrorHandler(line -> System.err.println("[server stderr] " + line));
    this.mcp =
        McpClient.async(new SerializingClientTransport(transport))
            .clientInfo(new Implementation("aegis-scripted-session", "1.0.0"))
            .requestTimeout(timeout)
            .initializationTimeout(timeout)
            .capabilities(ClientCapabilities.builder().sampling().elicitation().build())
            .sampling(this::sample)
            .elicitation(this::elicit)
            .progressConsumer(p -> Mono.fromRunnable(() -> progress.add(p)))
            .build();
  }

  /** Blocks for the value of {@code mono}, failing if it is empty or slower than the timeout. */
  <T> T await(Mono<T> mono) {
    T value = mono.block(timeout);
    if (value == null) {
      throw new IllegalStateException("no result");
    }
    return value;
  }

  Mono<CallToolResult> call(String tool, Map<String, Object> args) {
    return mcp.callTool(new CallToolRequest(tool, args));
  }

  Mono<CallToolResult> callWithProgress(String tool, Map<String, Object> args, String token) {
    return mcp.callTool(
        CallToolRequest.builder().name(tool).arguments(args).progressToken(token).build());
  }

  /** Waits (bounded) until {@code expected} notifications for the token arrived; sorts them. */
  List<ProgressNotification> progress(String token, int expected) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count(token) < expected && System.nanoTime() < deadline) {
      pause();
    }
    return progress.stream()
        .filter(p -> token.equals(p.progressToken()))
        .sorted(Comparator.comparing(ProgressNotification::progress))
        .collect(Collectors.toList());
  }

  /** Returns what the server asked this client, sorted: sampling prompts and elicitations. */
  Map<String, List<String>> serverRequests() {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    seen.put("sampling", samplingPrompts.stream().sorted().collect(Collectors.toList()));
    seen.put("elicitation", elicitationMessages.stream().sorted().collect(Collectors.toList()));
    return seen;
  }

  @Override
  public void close() {
    mcp.closeGracefully().block(timeout);
  }

  /** Builds an argument map that keeps its insertion order, so request bytes repeat exactly. */
  static Map<String, Object> args(Object... keysAndValues) {
    Map<String, Object> args = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      args.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(args);
  }

  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for progress", e);
    }
  }

  private long count(String token) {
    return progress.stream().filter(p -> token.equals(p.progressToken())).count();
  }

  private Mono<CreateMessageResult> sample(CreateMessageRequest request) {
    request.messages().stream()
        .map(m -> m.content() instanceof TextContent t ? t.text() : StableJson.of(m.content()))
        .forEach(samplingPrompts::add);
    return Mono.just(
        CreateMessageResult.builder()
            .role(Role.ASSISTANT)
            .content(new TextContent(MODEL_TEXT))
            .model(MODEL)
            .stopReason(CreateMessageResult.StopReason.END_TURN)
            .build());
  }

  private Mono<ElicitResult> elicit(ElicitRequest request) {
    elicitationMessages.add(request.message());
    return Mono.just(new ElicitResult(ElicitResult.Action.ACCEPT, ELICITED));
  }

  private static Map<String, Object> elicitedContent() {
    // Valid for the example server's {confirm} schema and server-everything's richer form.
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("confirm", true);
    content.put("name", "Aegis Tester");
    content.put("check", true);
    content.put("email", "tester@example.com");
    content.put("integer", 7);
    return Collections.unmodifiableMap(content);
  }
}
