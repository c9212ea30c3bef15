package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import dev.aegis.testsupport.ConformanceFixture;
import dev.aegis.testsupport.NodePeers;
import dev.aegis.testsupport.SdkTomcatServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP inspector's scripted CLI mode ({@code @modelcontextprotocol/inspector-cli} 1.0.3, {@code
 * --cli URL --transport http --method …}) against aegis-proxy in front of server-everything
 * (streamableHttp) and in front of the MCP Java SDK server on Tomcat: lists filtered to the
 * manifest, allowed calls answered by the server, a call the manifest does not declare refused.
 */
class InspectorCliIT {
  @TempDir Path dir;

  @Test
  void theInspectorThroughTheProxyToServerEverything() throws Exception {
    try (HttpPeers.Gateway gw =
        HttpPeers.gateway(dir, HttpPeers.manifest("server-everything.json"))) {
      String url = gw.url() + "/mcp";
      List<String> tools = names(inspect(url, "--method", "tools/list").get("tools"));
      // the declared tools the server offers this client (it has no sampling or elicitation)
      assertThat(tools)
          .isSubsetOf(HttpPeers.declaredTools("server-everything.json"))
          .contains("echo", "get-sum")
          .doesNotContain("get-env");

      JsonNode echo =
          inspect(url, "--method", "tools/call", "--tool-name", "echo", "--tool-arg", "message=hi");
      assertThat(echo.at("/content/0/text").asText()).isEqualTo("Echo: hi");
      assertThat(echo.path("isError").asBoolean()).isFalse();

      JsonNode denied = inspect(url, "--method", "tools/call", "--tool-name", "get-env");
      assertThat(denied.path("isError").asBoolean()).isTrue();
      assertThat(denied.at("/structuredContent/aegis/reason").asText())
          .isEqualTo("PERMISSION_UNDECLARED");
      assertThat(denied.at("/content/0/text").asText()).contains("get-env");
      assertThat(gw.proxy().stderr()).doesNotContain("LEAK");
    }
  }

  @Test
  void theInspectorThroughTheProxyToTheSdkServerOnTomcat() throws Exception {
    List<String> allowed = new ArrayList<>(ConformanceFixture.TOOLS);
    allowed.remove("test_error_handling");
    Path manifest = ConformanceRun.manifest(dir.resolve("m.json"), allowed);
    try (SdkTomcatServer server = SdkTomcatServer.start();
        ConformanceRun.Listening gw = ConformanceRun.proxy(dir, server.url(), manifest)) {
      String url = gw.url();
      assertThat(names(inspect(url, "--method", "tools/list").get("tools")))
          .containsExactlyInAnyOrderElementsOf(allowed);
      assertThat(
              inspect(url, "--method", "tools/call", "--tool-name", "test_simple_text")
                  .at("/content/0/text")
                  .asText())
          .isEqualTo("This is a simple text response for testing.");
      JsonNode denied =
          inspect(url, "--method", "tools/call", "--tool-name", "test_error_handling");
      assertThat(denied.at("/structuredContent/aegis/reason").asText())
          .isEqualTo("PERMISSION_UNDECLARED");
      assertThat(
              inspect(url, "--method", "resources/read", "--uri", "test://static-text")
                  .at("/contents/0/text")
                  .asText())
          .isEqualTo("This is the content of the static text resource.");
      assertThat(
              inspect(
                      url,
                      "--method",
                      "prompts/get",
                      "--prompt-name",
                      "test_prompt_with_arguments",
                      "--prompt-args",
                      "arg1=hello",
                      "arg2=world")
                  .at("/messages/0/content/text")
                  .asText())
          .isEqualTo("Prompt with arguments: arg1='hello', arg2='world'");
    }
  }

  /** Runs one scripted inspector call against {@code url}; returns its JSON output (bounded). */
  private JsonNode inspect(String url, String... args) throws Exception {
    Path launcher = NodePeers.inspectorCli().toRealPath();
    List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--cli", url));
    cmd.addAll(List.of("--transport", "http"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "inspector", ".out");
    Path err = Files.createTempFile(dir, "inspector", ".err");
    // 1.0.3 looks for its own package.json as "../package.json" from the working directory
    // (falling back to a path that exists only in the inspector's monorepo): run it from build/
    Process p =
        new ProcessBuilder(cmd)
            .directory(launcher.getParent().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the inspector did not finish: " + Files.readString(err));
    }
    assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(0);
    return Json.parse(Files.readAllBytes(out));
  }

  private static List<String> names(JsonNode items) {
    List<String> names = new ArrayList<>();
    items.forEach(t -> names.add(t.path("name").asText()));
    return names;
  }
}
