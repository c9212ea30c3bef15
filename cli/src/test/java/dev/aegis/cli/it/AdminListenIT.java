package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegis-proxy --admin-listen} beside a running stdio proxy (the example server): a call held
 * for approval is approved with edited arguments over the control API and runs with them; health,
 * readiness and metrics describe that proxy; the proxy's own chain refuses ingest.
 */
class AdminListenIT {
  private static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
  private static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  private static final String TOKEN = "admin-it-token-51c2";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void heldCallIsApprovedOverTheAdminApiAndMetricsDescribeTheProxy() throws Exception {
    Path manifest = dir.resolve("m.json");
    Files.writeString(
        manifest,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"admin-it\",\"version\":\"1.0.0\","
            + "\"publisher\":\"aegis\",\"permissions\":{\"tools\":[\"echo\"],"
            + "\"approval_required\":[\"echo\"]}}");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# operators\n" + TOKEN + "\n");
    String store = "sqlite:" + dir.resolve("chain.db");
    try (ProxyProcess p =
        ProxyProcess.start(
            "aegis-proxy",
            List.of(
                "--store",
                store,
                "--session",
                "s1",
                "--manifest",
                manifest.toString(),
                "--approval-hold",
                "60s",
                "--approval-key",
                dir.resolve("approval.key").toString(),
                "--admin-listen",
                "127.0.0.1:0",
                "--admin-token-file",
                tokens.toString(),
                "--",
                ProxyProcess.bin("aegis-example-server").toString()))) {
      p.send(INIT);
      p.awaitLines(1, 60);
      p.send(INITIALIZED);
      String base = ListenLine.adminUrl(p);
      assertThat(get(base, "/healthz", null).statusCode()).isEqualTo(200);
      p.send(
          "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
              + "\"arguments\":{\"text\":\"original\"}}}");
      JsonNode pending = null;
      for (int i = 0; i < 600 && pending == null; i++) {
        String out =
            ctl("approvals", "list", "--json", "--server", base, "--token-file", tokens.toString());
        JsonNode list = Json.MAPPER.readTree(out);
        if (list.path("approvals").size() > 0) {
          pending = list.path("approvals").get(0);
        } else {
          Thread.sleep(100);
        }
      }
      assertThat(pending).as("a pending approval request").isNotNull();
      assertThat(pending.path("tool_name").asText()).isEqualTo("echo");
      ObjectNode decide = Json.object().put("decision", "approve");
      decide.putObject("args").put("text", "edited");
      HttpResponse<String> decided =
          post(base, "/v1/approvals/" + pending.path("token").asText(), decide, TOKEN);
      assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
      List<String> lines = p.awaitLines(2, 60);
      assertThat(lines.get(1)).contains("\"text\":\"edited\"").doesNotContain("original");

      assertThat(get(base, "/readyz", null).statusCode()).isEqualTo(200);
      assertThat(get(base, "/metrics", null).statusCode()).isEqualTo(401);
      String metrics = get(base, "/metrics", TOKEN).body();
      assertThat(metrics)
          .containsPattern("aegis_frames_total\\{direction=\"client_to_server\"[^}]*} [1-9]")
          .containsPattern("aegis_decisions_total\\{[^}]*outcome=\"require_approval\"[^}]*} 1")
          .containsPattern("aegis_sessions_open[^\\n]* 1")
          .contains("aegis_store_commit_seconds_count");

      ObjectNode ingest = Json.object().put("tenant_id", "default").put("session_id", "s1");
      ingest.put("event_type", "MEMORY_WRITE");
      HttpResponse<String> refused = post(base, "/v1/events", ingest, TOKEN);
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.body()).contains("SESSION_NOT_OWNED");
      JsonNode verify =
          Json.MAPPER.readTree(
              ctl(
                  "verify",
                  "--json",
                  "--server",
                  base,
                  "--token-file",
                  tokens.toString(),
                  "--session",
                  "s1"));
      assertThat(verify.path("valid").asBoolean()).as(verify.toString()).isTrue();
      assertThat(verify.path("chains").get(0).path("events").asLong()).isGreaterThan(5);

      p.closeStdin();
      assertThat(p.waitFor(60)).isZero();
      assertThat(p.stderr()).doesNotContain(TOKEN);
    }
  }

  /** Runs bin/aegisctl, expecting exit 0; returns its stdout. */
  private static String ctl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(ProxyProcess.bin("aegisctl").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("aegisctl " + String.join(" ", args) + "\n" + out).isZero();
    return out;
  }

  private HttpResponse<String> get(String base, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> post(String base, String path, JsonNode body, String token)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
