package dev.aegis.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.json.Json;
import dev.aegis.core.taint.Fingerprints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackTest {
  @TempDir Path dir;

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("p.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String MANIFESTS =
      "manifests:\n  m: {schema: aegis.dev/manifest/v0.1, permissions: {tools: [t]}}\n";

  @Test
  void readsDecisionAndMultiStepCasesWithNamedManifestsResolved() throws Exception {
    Pack p =
        Pack.read(
            write(
                "name: p\nversion: \"2.1\"\ndescription: d\n"
                    + MANIFESTS
                    + "session_manifest: m\ncases:\n"
                    + "  - id: A\n    req_id: R-1\n    note: n\n"
                    + "    input: {event: {event_type: TOOL_CALL_PROPOSED}, manifest: m}\n"
                    + "    want: {outcome: deny, reason: X, constraints: {}}\n"
                    + "  - id: B\n    note: n\n    steps:\n"
                    + "      - {event_type: MEMORY_READ}\n"
                    + "      - {event_type: TOOL_CALL_PROPOSED, payload: {tool_name: t}}\n"
                    + "    want: {outcome: allow, reason: OK}\n"));
    assertThat(p.name()).isEqualTo("p");
    assertThat(p.version()).isEqualTo("2.1");
    assertThat(p.stateful()).isTrue();
    assertThat(p.sessionManifest().at("/permissions/tools/0").asText()).isEqualTo("t");
    PackCase a = p.cases().get(0);
    assertThat(a.reqId()).isEqualTo("R-1");
    assertThat(a.stateful()).isFalse();
    assertThat(a.input().at("/manifest/permissions/tools/0").asText()).isEqualTo("t");
    PackCase b = p.cases().get(1);
    assertThat(b.stateful()).isTrue();
    assertThat(b.steps()).hasSize(2);
    assertThat(b.reqId()).isNull();
  }

  @Test
  void comparesOutcomeReasonAndConstraintsByValue() throws Exception {
    Pack p =
        Pack.read(
            write(
                "name: p\ncases:\n  - id: A\n    note: n\n    input: {event: {}}\n"
                    + "    want: {outcome: allow, reason: OK, constraints: {max: 1048576}}\n"));
    PackCase c = p.cases().get(0);
    assertThat(
            c.mismatch(
                Json.parse(
                    "{\"outcome\":\"allow\",\"reason\":\"OK\",\"constraints\":{\"max\":1048576.0}}"
                        .getBytes())))
        .isNull();
    assertThat(
            c.mismatch(
                Json.parse(
                    "{\"outcome\":\"deny\",\"reason\":\"OK\",\"constraints\":{\"max\":1}}"
                        .getBytes())))
        .contains("outcome deny (want allow)")
        .contains("constraints");
  }

  @Test
  void malformedPacksAreRejectedWithTheirPlace() throws Exception {
    assertThatThrownBy(() -> Pack.read(write("name: p\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no cases list");
    assertThatThrownBy(
            () ->
                Pack.read(
                    write(
                        "name: p\ncases:\n  - id: A\n    steps: [{event_type: TOOL_CALL_PROPOSED}]\n"
                            + "    want: {outcome: allow, reason: OK}\n")))
        .hasMessageContaining("p.yaml A: steps need the pack's session_manifest");
    assertThatThrownBy(
            () ->
                Pack.read(
                    write(
                        "name: p\n"
                            + MANIFESTS
                            + "session_manifest: m\ncases:\n  - id: A\n"
                            + "    steps: [{event_type: TOOL_CALL_PROPOSED}, {event_type: TOOL_RESULT}]\n"
                            + "    want: {outcome: allow, reason: OK}\n")))
        .hasMessageContaining("the last step must be a TOOL_CALL_PROPOSED");
    assertThatThrownBy(
            () ->
                Pack.read(
                    write(
                        "name: p\ncases:\n  - id: A\n    input: {event: {}, manifest: nope}\n"
                            + "    want: {outcome: allow, reason: OK}\n")))
        .hasMessageContaining("no manifest named nope");
    assertThatThrownBy(
            () ->
                Pack.read(
                    write(
                        "name: p\ncases:\n  - id: A\n    input: {event: {}}\n    want: {outcome: allow, reason: OK}\n"
                            + "  - id: A\n    input: {event: {}}\n    want: {outcome: allow, reason: OK}\n")))
        .hasMessageContaining("duplicate case id");
  }

  @Test
  void theLibraryFindsShippedPacksByNameAndSeedPacksWithoutTheirPrefix() throws Exception {
    Path root = Path.of(System.getProperty("aegis.root", "..")).toAbsolutePath().normalize();
    PackLibrary lib = new PackLibrary(root);
    assertThat(lib.find("baseline-safety").name()).isEqualTo("seed-baseline-safety");
    assertThat(lib.find("session-taint").stateful()).isTrue();
    assertThatThrownBy(() -> lib.find("no-such-pack"))
        .hasMessageContaining("no pack named no-such-pack")
        .hasMessageContaining("egress");
  }

  @Test
  void decisionInputsTheApiCannotTakeAreNamed() throws Exception {
    assertThat(PackRunner.inexpressible(obj("{\"event\":{},\"manifest\":{}}"))).isNull();
    assertThat(PackRunner.inexpressible(obj("{\"event\":7,\"manifest\":{}}")))
        .contains("object event");
    assertThat(PackRunner.inexpressible(obj("{\"event\":{},\"snapshot\":[],\"manifest\":{}}")))
        .contains("object snapshot");
    assertThat(PackRunner.inexpressible(obj("{\"event\":{}}"))).contains("manifest");
  }

  @Test
  void aResultStepsAnswerBecomesTheFingerprintsTheProxySeals() throws Exception {
    String text = "Mirror moved to https://drop.evil-example.net/x today.";
    com.fasterxml.jackson.databind.node.ObjectNode step =
        obj(
            "{\"event_type\":\"TOOL_RESULT\",\"payload\":{\"proposal_seq\":0,\"answer\":"
                + "{\"content\":[{\"type\":\"text\",\"text\":\""
                + text
                + "\"}]}}}");
    PackRunner.fingerprint(step);
    assertThat(step.path("payload").has("answer")).isFalse();
    java.util.List<String> want =
        Fingerprints.ofTexts(java.util.List.of(text)).values().stream()
            .map(Fingerprints::hex)
            .toList();
    assertThat(want).isNotEmpty();
    java.util.List<String> got = new java.util.ArrayList<>();
    step.at("/payload/fingerprints").forEach(h -> got.add(h.asText()));
    assertThat(got).isEqualTo(want);
    assertThat(step.at("/payload/fingerprint_window").asInt()).isEqualTo(Fingerprints.WINDOW);
    assertThatThrownBy(
            () ->
                Pack.read(
                    write(
                        "name: p\n"
                            + MANIFESTS
                            + "session_manifest: m\ncases:\n  - id: A\n    steps:\n"
                            + "      - {event_type: MEMORY_READ, payload: {answer: {}}}\n"
                            + "      - {event_type: TOOL_CALL_PROPOSED}\n"
                            + "    want: {outcome: allow, reason: OK}\n")))
        .hasMessageContaining("payload.answer is a TOOL_RESULT's result object");
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode obj(String s) throws IOException {
    return (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(s.getBytes());
  }
}
