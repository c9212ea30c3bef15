package dev.aegis.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpPackTest {
  @TempDir Path dir;

  private static final String HEAD =
      "name: m\nmanifests:\n  fs: {schema: aegis.dev/manifest/v0.1, permissions: {tools: [t]}}\n"
          + "mcp:\n  server: [\"${NODE_BIN}/srv\", \"${ROOT}\"]\n  manifest: fs\n"
          + "  options: [--approval-hold, \"0\"]\n  files: {a/b.txt: hi}\ncases:\n";

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("m.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static JsonNode json(String s) throws IOException {
    return Json.parse(s.getBytes());
  }

  @Test
  void readsAnMcpPackWithItsSetupFramesAndWants() throws Exception {
    Pack p =
        Pack.read(
            write(
                HEAD
                    + "  - id: A\n    note: n\n    frames:\n"
                    + "      - {method: tools/call, params: {name: t}, want: {outcome: allow}}\n"
                    + "      - {method: notifications/cancelled, params: {requestId: 1}}\n"
                    + "      - {method: tools/list}\n"
                    + "    want: {outcome: allow, result_contains: t}\n"
                    + "  - id: B\n    frames: [{method: tools/call}]\n"
                    + "    want: {outcome: deny, reason: X}\n"));
    assertThat(p.mcp().server()).containsExactly("${NODE_BIN}/srv", "${ROOT}");
    assertThat(p.mcp().manifest().at("/permissions/tools/0").asText()).isEqualTo("t");
    assertThat(p.mcp().options()).containsExactly("--approval-hold", "0");
    assertThat(p.mcp().files()).containsEntry("a/b.txt", "hi");
    PackCase a = p.cases().get(0);
    assertThat(a.mcp()).isTrue();
    assertThat(a.stateful()).isFalse();
    assertThat(a.kind()).isEqualTo("mcp");
    assertThat(a.frames()).hasSize(3);
    assertThat(a.reason()).as("allow defaults to OK").isEqualTo("OK");
    assertThat(p.cases().get(1).reason()).isEqualTo("X");
  }

  /** Reading {@code HEAD} followed by {@code cases} fails with a message containing {@code msg}. */
  private void rejects(String cases, String msg) {
    assertThatThrownBy(() -> Pack.read(write(HEAD + cases))).hasMessageContaining(msg);
  }

  @Test
  void malformedMcpPacksAreRejectedWithTheirPlace() throws Exception {
    assertThatThrownBy(
            () ->
                Pack.read(
                    write(
                        "name: m\ncases:\n  - id: A\n    frames: [{method: tools/list}]\n"
                            + "    want: {outcome: allow}\n")))
        .hasMessageContaining("m.yaml A: frames need the pack's mcp section");
    String list = "  - id: A\n    frames: [{method: tools/list}]\n";
    rejects(
        "  - id: A\n    frames: [{method: notifications/initialized}]\n    want: {outcome: allow}\n",
        "the last frame must be a request");
    rejects(list + "    want: {outcome: deny}\n", "a refusal's want needs a reason");
    rejects(
        "  - id: A\n    input: {event: {}}\n    want: {outcome: allow, reason: OK}\n",
        "an MCP pack's case needs frames");
    rejects(list + "    want: {outcome: allow, result: {content: 1}}\n", "is not a JSON pointer");
    rejects(list + "    want: {outcome: allow, status: 200}\n", "unknown want field status");
    assertThatThrownBy(
            () ->
                Pack.read(
                    write(
                        HEAD.replace("a/b.txt", "../b.txt")
                            + list
                            + "    want: {outcome: allow}\n")))
        .hasMessageContaining("a relative path");
  }

  @Test
  void answersAreReadAsRefusalsOfEitherShapeOrAsTheServersOwn() throws Exception {
    JsonNode refusal =
        json(
            "{\"id\":1,\"result\":{\"isError\":true,\"content\":[],\"structuredContent\":"
                + "{\"aegis\":{\"outcome\":\"deny\",\"reason\":\"FS_DENY\"}}}}");
    assertThat(McpAnswers.verdict(refusal)).isEqualTo(new McpAnswers.Verdict("deny", "FS_DENY"));
    JsonNode error =
        json(
            "{\"id\":1,\"error\":{\"code\":-32001,\"message\":\"m\",\"data\":{\"source\":\"aegis\","
                + "\"outcome\":\"require_approval\",\"reason\":\"APPROVAL_REQUIRED\"}}}");
    assertThat(McpAnswers.verdict(error))
        .isEqualTo(new McpAnswers.Verdict("require_approval", "APPROVAL_REQUIRED"));
    JsonNode server =
        json("{\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"Echo: 42\"}]}}");
    assertThat(McpAnswers.verdict(server)).isEqualTo(new McpAnswers.Verdict("allow", "OK"));
    assertThat(McpAnswers.verdict(json("{\"id\":1,\"error\":{\"code\":-32602}}")).outcome())
        .isEqualTo("error");

    assertThat(
            McpAnswers.mismatch(json("{\"outcome\":\"allow\",\"result_contains\":\"42\"}"), server))
        .isNull();
    assertThat(
            McpAnswers.mismatch(
                json("{\"outcome\":\"allow\",\"result\":{\"/content/0/text\":\"Echo: 42\"}}"),
                server))
        .isNull();
    assertThat(
            McpAnswers.mismatch(json("{\"outcome\":\"allow\",\"result_contains\":\"43\"}"), server))
        .contains("no string in the result contains \"43\"");
    assertThat(
            McpAnswers.mismatch(
                json("{\"outcome\":\"allow\",\"result\":{\"/isError\":true}}"), server))
        .contains("result/isError missing (want true)");
    assertThat(McpAnswers.mismatch(json("{\"outcome\":\"allow\"}"), refusal))
        .isEqualTo("outcome deny (want allow), reason FS_DENY (want OK)");
  }

  @Test
  void placeholdersAreSubstitutedInTextAndTreesAndUnknownOnesRefused() throws Exception {
    Placeholders p = new Placeholders(Map.of("NODE_BIN", "/n/.bin")).with("ROOT", "/tmp/r$1");
    assertThat(p.apply("${NODE_BIN}/srv ${ROOT}/a")).isEqualTo("/n/.bin/srv /tmp/r$1/a");
    JsonNode tree = p.apply(json("{\"${ROOT}\":[\"${ROOT}/x\",3,{\"k\":\"${NODE_BIN}\"}]}"));
    assertThat(Json.write(tree)).isEqualTo("{\"${ROOT}\":[\"/tmp/r$1/x\",3,{\"k\":\"/n/.bin\"}]}");
    assertThatThrownBy(() -> p.apply("${HOME}/x"))
        .hasMessageContaining("unknown placeholder ${HOME}");
  }

  @Test
  void everyCaseOfAPackAgainstATargetIsSkippedSayingWhy() throws Exception {
    Pack p =
        Pack.read(
            write(
                HEAD
                    + "  - id: A\n    frames: [{method: tools/list}]\n    want: {outcome: allow}\n"));
    PackResult r = McpPackRunner.skipped(p, "needs --embedded");
    assertThat(r.results())
        .extracting(CaseResult::status)
        .containsExactly(CaseResult.Status.SKIPPED);
    assertThat(r.results().get(0).detail()).isEqualTo("needs --embedded");
  }
}
