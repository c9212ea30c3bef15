package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegisctl policy eval} with the built-in decide bundle. */
class PolicyCommandTest {
  private static final String CALL =
      "{\"event\":{\"event_type\":\"TOOL_CALL_PROPOSED\",\"payload\":{\"tool_name\":\"read_file\","
          + "\"call_id\":\"c1\",\"args\":{}}},\"snapshot\":{\"steps_consumed\":1,"
          + "\"tool_calls_consumed\":1,\"wall_time_ms\":100}";
  private static final String MANIFEST =
      "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\",\"version\":\"1.0.0\","
          + "\"publisher\":\"acme\",\"permissions\":{\"tools\":[\"read_file\"]}}";

  @TempDir Path dir;

  @Test
  void printsADenyAsOneLineAndExitsZero() throws Exception {
    Path input = Files.writeString(dir.resolve("call.json"), CALL + "}");
    Ctl.Run run = Ctl.run("policy", "eval", "--input", input.toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("deny PERMISSION_UNDECLARED {}\n");
  }

  @Test
  void theManifestFileReplacesTheInputsManifest() throws Exception {
    Path input = Files.writeString(dir.resolve("call.json"), CALL + ",\"manifest\":{}}");
    Path manifest = Files.writeString(dir.resolve("m.json"), MANIFEST);
    Ctl.Run run =
        Ctl.run("policy", "eval", "--manifest", manifest.toString(), "--input", input.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .isEqualTo("allow OK {\"max_output_bytes\":1048576,\"timeout_ms\":30000}\n");
  }

  @Test
  void printsTheDecisionAsJson() throws Exception {
    Path input =
        Files.writeString(dir.resolve("call.json"), CALL + ",\"manifest\":" + MANIFEST + "}");
    Ctl.Run run = Ctl.run("policy", "eval", "--input", input.toString(), "--json");
    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "{\"constraints\":{\"max_output_bytes\":1048576,\"timeout_ms\":30000},"
                + "\"outcome\":\"allow\",\"reason\":\"OK\"}\n");
  }

  @Test
  void aMissingInputFileExitsTwo() {
    Ctl.Run run = Ctl.run("policy", "eval", "--input", dir.resolve("nope.json").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("nope.json").contains("no such file");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void malformedJsonExitsTwo() throws Exception {
    Path input = Files.writeString(dir.resolve("call.json"), "{\"event\":");
    Ctl.Run run = Ctl.run("policy", "eval", "--input", input.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("aegisctl: " + input + ": the input is not valid JSON");
  }

  @Test
  void anInputThatIsNotAnObjectExitsTwo() throws Exception {
    Path input = Files.writeString(dir.resolve("call.json"), "[1]");
    Ctl.Run run = Ctl.run("policy", "eval", "--input", input.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("must be a JSON object");
  }

  @Test
  void aBundleThatIsNotAPolicyExitsTwo() throws Exception {
    Path input = Files.writeString(dir.resolve("call.json"), CALL + "}");
    Path bundle = Files.writeString(dir.resolve("policy.rego"), "package aegis.decide\n");
    Ctl.Run run =
        Ctl.run("policy", "eval", "--bundle", bundle.toString(), "--input", input.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "aegisctl: "
                + bundle
                + ": neither a Wasm module nor an OPA bundle (.tar.gz); build one with"
                + " `opa build -t wasm -e aegis/decide/decision …`\n");
  }

  @Test
  void aCustomWasmBundleIsUsed() throws Exception {
    Path input =
        Files.writeString(dir.resolve("call.json"), CALL + ",\"manifest\":" + MANIFEST + "}");
    Path root = Path.of(System.getProperty("aegis.root", "..")).toAbsolutePath();
    Path wasm = root.resolve("policies/build/aegis-decide.wasm");
    Ctl.Run run =
        Ctl.run("policy", "eval", "--bundle", wasm.toString(), "--input", input.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("allow OK ");
  }

  @Test
  void withoutASubcommandIsAUsageError() {
    Ctl.Run run = Ctl.run("policy");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("missing command (one of: eval)");
  }

  @Test
  void withoutAnInputIsAUsageError() {
    Ctl.Run run = Ctl.run("policy", "eval");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--input=FILE'");
  }
}
