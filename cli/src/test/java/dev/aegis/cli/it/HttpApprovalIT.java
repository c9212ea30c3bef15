package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call held for approval over Streamable HTTP: its POST stays open, receives the held call's
 * progress as server-sent events, and is answered when an operator decides in another process
 * (approved: the upstream's answer; denied: the refusal). Real server-everything upstream.
 */
class HttpApprovalIT {
  @TempDir Path dir;

  private String store() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  private ProxyProcess proxy(int port, int upstreamPort) throws Exception {
    Path m = dir.resolve("manifest.json");
    Files.writeString(
        m,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\",\"version\":\"1.0.0\","
            + "\"publisher\":\"t\",\"permissions\":{\"tools\":[\"echo\",\"get-sum\"],"
            + "\"approval_required\":[\"echo\"]}}");
    ProxyProcess p =
        ProxyProcess.start(
            "aegis-proxy",
            List.of(
                "--store",
                store(),
                "--manifest",
                m.toString(),
                "--approval-hold",
                "60s",
                "--approval-key",
                dir.resolve("approval.key").toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--upstream",
                "http://127.0.0.1:" + upstreamPort + "/mcp"));
    HttpPeers.awaitPort(port, p.process);
    return p;
  }

  private static String echo(int id, String message) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\""
        + message
        + "\"},\"_meta\":{\"progressToken\":\"pt-"
        + id
        + "\"}}}";
  }

  @Test
  void aHeldPostIsAnsweredWhenAnOperatorDecides() throws Exception {
    int upstreamPort = HttpPeers.freePort();
    int port = HttpPeers.freePort();
    Process upstream = HttpPeers.everything(upstreamPort, dir.resolve("upstream.log"));
    try (ProxyProcess p = proxy(port, upstreamPort)) {
      RawMcpHttp client = new RawMcpHttp(port);
      client.initialize();

      CompletableFuture<HttpResponse<String>> held = client.postAsync(echo(1, "approve me"));
      JsonNode req = pendingRequest();
      assertThat(req.at("/args/message").asText()).isEqualTo("approve me");
      String token = req.path("token").asText();
      assertThat(ctl("approve", token, "--store", store(), "--by", "al")[0]).isEqualTo("0");
      HttpResponse<String> approved = held.get(60, TimeUnit.SECONDS);
      assertThat(approved.statusCode()).isEqualTo(200);
      assertThat(RawMcpHttp.answer(approved).at("/result/content/0/text").asText())
          .isEqualTo("Echo: approve me");
      assertThat(RawMcpHttp.frames(approved))
          .as("the held call's progress reached its own POST as events")
          .anySatisfy(
              f -> {
                assertThat(f.path("method").asText()).isEqualTo("notifications/progress");
                assertThat(f.at("/params/progressToken").asText()).isEqualTo("pt-1");
              });

      CompletableFuture<HttpResponse<String>> denied = client.postAsync(echo(2, "deny me"));
      String second = pendingRequest().path("token").asText();
      assertThat(ctl("approve", second, "--store", store(), "--deny")[0]).isEqualTo("0");
      JsonNode refusal = RawMcpHttp.answer(denied.get(60, TimeUnit.SECONDS));
      assertThat(refusal.get("id").asInt()).isEqualTo(2);
      assertThat(refusal.at("/result/isError").asBoolean()).isTrue();
      assertThat(refusal.at("/result/structuredContent/aegis/outcome").asText()).isEqualTo("deny");
    } finally {
      upstream.destroy();
    }
  }

  /** Polls {@code aegisctl approvals list --json} until a pending request appears. */
  private JsonNode pendingRequest() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String[] r = ctl("approvals", "list", "--json", "--store", store());
      JsonNode list = Json.parse(r[1].getBytes(StandardCharsets.UTF_8)).path("approvals");
      if (list.size() > 0) {
        return list.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no pending approval request appeared");
  }

  /** Runs bin/aegisctl; returns {exit code, stdout, stderr}. */
  private static String[] ctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProxyProcess.bin("aegisctl").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String[] {String.valueOf(p.exitValue()), out, err};
  }
}
