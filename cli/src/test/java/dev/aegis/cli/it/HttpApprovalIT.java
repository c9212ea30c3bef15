package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private HttpPeers.Gateway gateway() throws Exception {
    Path m = dir.resolve("manifest.json");
    Files.writeString(
        m,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\",\"version\":\"1.0.0\","
            + "\"publisher\":\"t\",\"permissions\":{\"tools\":[\"echo\",\"get-sum\"],"
            + "\"approval_required\":[\"echo\"]}}");
    return HttpPeers.gateway(
        dir, m, "--approval-hold", "60s", "--approval-key", dir.resolve("approval.key").toString());
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
    try (HttpPeers.Gateway gw = gateway()) {
      RawMcpHttp client = new RawMcpHttp(gw.port());
      client.initialize();

      CompletableFuture<HttpResponse<String>> held = client.postAsync(echo(1, "approve me"));
      JsonNode req = pendingRequest();
      assertThat(req.at("/args/message").asText()).isEqualTo("approve me");
      String token = req.path("token").asText();
      assertThat(McpLines.ctl("approve", token, "--store", store(), "--by", "al").code()).isZero();
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
      assertThat(McpLines.ctl("approve", second, "--store", store(), "--deny").code()).isZero();
      JsonNode refusal = RawMcpHttp.answer(denied.get(60, TimeUnit.SECONDS));
      assertThat(refusal.get("id").asInt()).isEqualTo(2);
      assertThat(refusal.at("/result/isError").asBoolean()).isTrue();
      assertThat(refusal.at("/result/structuredContent/aegis/outcome").asText()).isEqualTo("deny");
    }
  }

  /** Polls {@code aegisctl approvals list --json} until a pending request appears. */
  private JsonNode pendingRequest() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String out = McpLines.ctl("approvals", "list", "--json", "--store", store()).out();
      JsonNode list = Json.parse(out.getBytes(StandardCharsets.UTF_8)).path("approvals");
      if (list.size() > 0) {
        return list.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no pending approval request appeared");
  }
}
