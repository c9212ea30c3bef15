package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.testsupport.NodePeers;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", as a new user would do it, through the installed launchers only: {@code
 * aegisctl manifest init -- <server>}, then {@code aegis-proxy --manifest … -- <server>} refuses
 * what the starting manifest does not yet allow (with reasons the agent can read), allows it once
 * the user fills in what the report asked for, and a write under approval runs after {@code
 * aegisctl approve} and a retry with the token.
 */
class NewUserIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, err);
  }

  private static List<String> cmd(String launcher, List<String> args) {
    List<String> c = new ArrayList<>();
    c.add(ProxyProcess.bin(launcher).toString());
    c.addAll(args);
    return c;
  }

  private McpSyncClient client(Path manifest, Path served) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                "sqlite:" + dir.resolve("chain.db"),
                "--manifest",
                manifest.toString(),
                "--approval-hold",
                "0s",
                "--approval-key",
                dir.resolve("approval.key").toString(),
                "--"));
    args.addAll(NodePeers.filesystemServer(List.of(served)));
    ServerParameters params =
        ServerParameters.builder(ProxyProcess.bin("aegis-proxy").toString()).args(args).build();
    McpSyncClient c =
        McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper()))
            .clientInfo(new Implementation("new-user-it", "1.0.0"))
            .requestTimeout(WAIT)
            .initializationTimeout(WAIT)
            .build();
    c.initialize();
    return c;
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  private static String reason(CallToolResult r) {
    Map<String, Object> sc = (Map<String, Object>) r.structuredContent();
    return sc == null
        ? null
        : String.valueOf(((Map<String, Object>) sc.get("aegis")).get("reason"));
  }

  @Test
  void initThenProxyThenFillInRootsThenApproveAWrite() throws Exception {
    Path served = Files.createDirectories(dir.resolve("work"));
    Files.writeString(served.resolve("notes.txt"), "hello from the served directory\n");
    Path manifest = dir.resolve("aegis-manifest.json");

    List<String> init = new ArrayList<>(List.of("manifest", "init", "--out", manifest.toString()));
    init.add("--");
    init.addAll(NodePeers.filesystemServer(List.of(served)));
    Run made = run(cmd("aegisctl", init));
    assertThat(made.code).as(made.err).isZero();
    assertThat(made.err).contains("read_roots");

    String notes = served.resolve("notes.txt").toString();
    try (McpSyncClient c = client(manifest, served)) {
      CallToolResult r = c.callTool(new CallToolRequest("read_text_file", Map.of("path", notes)));
      assertThat(r.isError()).isTrue();
      assertThat(reason(r)).as("no read roots yet").isEqualTo("FS_DENY");
      assertThat(text(r)).contains("FS_DENY").contains("read_text_file");
    }

    ObjectNode m = (ObjectNode) Json.parse(Files.readAllBytes(manifest));
    ObjectNode fs = (ObjectNode) m.with("permissions").with("fs");
    fs.putArray("read_roots").add(served.toString());
    fs.putArray("write_roots").add(served.toString());
    Files.writeString(manifest, Json.write(m));
    Run valid = run(cmd("aegisctl", List.of("manifest", "validate", manifest.toString())));
    assertThat(valid.code).as(valid.out + valid.err).isZero();

    Path written = served.resolve("out.txt");
    Map<String, Object> write = Map.of("path", written.toString(), "content", "approved write");
    String token;
    try (McpSyncClient c = client(manifest, served)) {
      CallToolResult read =
          c.callTool(new CallToolRequest("read_text_file", Map.of("path", notes)));
      assertThat(read.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(text(read)).contains("hello from the served directory");

      CallToolResult outside =
          c.callTool(new CallToolRequest("read_text_file", Map.of("path", "/etc/hostname")));
      assertThat(reason(outside)).isEqualTo("FS_DENY");
      CallToolResult tainted = c.callTool(new CallToolRequest("write_file", write));
      assertThat(reason(tainted))
          .as("session taint: after a tool result, a write is a tainted high-risk sink")
          .isEqualTo("TAINTED_TO_HIGH_RISK");
    }
    try (McpSyncClient c = client(manifest, served)) {
      CallToolResult held = c.callTool(new CallToolRequest("write_file", write));
      assertThat(reason(held)).isEqualTo("APPROVAL_REQUIRED");
      @SuppressWarnings("unchecked")
      Map<String, Object> aegis =
          (Map<String, Object>) ((Map<String, Object>) held.structuredContent()).get("aegis");
      token = String.valueOf(aegis.get("approval_token"));
      assertThat(Files.exists(written)).isFalse();

      Run listed =
          run(
              cmd(
                  "aegisctl",
                  List.of(
                      "approvals",
                      "list",
                      "--json",
                      "--store",
                      "sqlite:" + dir.resolve("chain.db"))));
      JsonNode pending = Json.parse(listed.out.getBytes(StandardCharsets.UTF_8));
      assertThat(pending.at("/approvals/0/token").asText()).isEqualTo(token);
      assertThat(pending.at("/approvals/0/tool_name").asText()).isEqualTo("write_file");
      Run approved =
          run(
              cmd(
                  "aegisctl",
                  List.of("approve", token, "--store", "sqlite:" + dir.resolve("chain.db"))));
      assertThat(approved.code).as(approved.err).isZero();

      CallToolResult done =
          c.callTool(
              CallToolRequest.builder()
                  .name("write_file")
                  .arguments(write)
                  .meta(Map.of("io.aegis/approval_token", token))
                  .build());
      assertThat(done.isError()).as(text(done)).isNotEqualTo(Boolean.TRUE);
    }
    assertThat(Files.readString(written)).isEqualTo("approved write");
  }
}
