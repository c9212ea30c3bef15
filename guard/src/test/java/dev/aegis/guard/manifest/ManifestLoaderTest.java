package dev.aegis.guard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.guard.manifest.Manifest.Budgets;
import dev.aegis.guard.manifest.Manifest.Loops;
import dev.aegis.guard.manifest.Manifest.TaintMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestLoaderTest {
  @TempDir Path dir;

  private static Path resource(String name) throws Exception {
    return Path.of(ManifestLoaderTest.class.getResource("cases/valid/" + name).toURI());
  }

  @Test
  void minimalManifestGetsEveryDefault() throws Exception {
    Manifest m = ManifestLoader.load(resource("minimal.json"));
    assertThat(m.schema()).isEqualTo(Manifest.SCHEMA);
    assertThat(m.name()).isEqualTo("notes");
    assertThat(m.version()).isEqualTo("1.0.0");
    assertThat(m.publisher()).isEqualTo("acme");
    assertThat(m.permissions().tools()).containsExactly("search_notes", "read_note");
    assertThat(m.permissions().budgets())
        .isEqualTo(new Budgets(24, 12, 120_000, 1_048_576, 30_000))
        .isEqualTo(Budgets.DEFAULTS);
    assertThat(m.permissions().loops()).isEqualTo(new Loops(3, 3, 3, 7, 20));
    assertThat(m.permissions().taint().mode()).isEqualTo(TaintMode.SESSION);
    assertThat(m.permissions().fs()).isEqualTo(Manifest.Fs.NONE);
    assertThat(m.permissions().net()).isEqualTo(Manifest.Net.NONE);
    assertThat(m.permissions().exec()).isEqualTo(Manifest.Exec.NONE);
    assertThat(m.sandbox()).isEqualTo(Manifest.Sandbox.NONE);
    assertThat(m.integrity()).isEqualTo(Manifest.Integrity.NONE);
  }

  @Test
  void everyFieldIsRead() throws Exception {
    Manifest m = ManifestLoader.load(resource("every-field.json"));
    Manifest.Permissions p = m.permissions();
    assertThat(p.tools()).containsExactly("read_file", "fetch", "send_email", "search", "redact");
    assertThat(p.fs().readRoots()).containsExactly("/data");
    assertThat(p.net().domains()).containsExactly("*.example.com");
    assertThat(p.highRisk()).containsExactly("send_email");
    assertThat(p.secrets()).containsExactly("SMTP_PASSWORD", "API_TOKEN");
    assertThat(p.approvalRequired()).containsExactly("send_email");
    assertThat(p.budgets()).isEqualTo(new Budgets(0, 5, 9007199254740991L, 65536, 1000));
    assertThat(p.loops()).isEqualTo(new Loops(2, 4, 2, 4, 8));
    assertThat(p.taint().mode()).isEqualTo(TaintMode.FLOW);
    assertThat(p.taint().untrustedTools()).containsExactly("fetch", "search");
    assertThat(p.taint().sanitizers()).containsExactly("redact");
    assertThat(m.sandbox().required()).isTrue();
    assertThat(m.sandbox().image()).hasValueSatisfying(i -> assertThat(i).startsWith("acme/"));
    assertThat(m.integrity().files()).containsOnlyKeys("index.js", "lib/a.js");
    assertThat(m.integrity().treeSha256()).isPresent();
    assertThat(m.integrity().signature()).isEmpty();
  }

  @Test
  void resolvedJsonHasEveryDefaultAndTheOriginalIsKept() throws Exception {
    Manifest m = ManifestLoader.load(resource("minimal.json"));
    assertThat(m.json().has("sandbox")).isFalse();
    assertThat(m.json().path("permissions").has("budgets")).isFalse();
    var r = m.resolvedJson();
    assertThat(r.at("/permissions/budgets/max_steps").asLong()).isEqualTo(24);
    assertThat(r.at("/permissions/budgets/max_tool_calls").asLong()).isEqualTo(12);
    assertThat(r.at("/permissions/budgets/max_wall_time_ms").asLong()).isEqualTo(120000);
    assertThat(r.at("/permissions/budgets/max_output_bytes").asLong()).isEqualTo(1048576);
    assertThat(r.at("/permissions/budgets/timeout_ms").asLong()).isEqualTo(30000);
    assertThat(r.at("/permissions/loops/window").asInt()).isEqualTo(20);
    assertThat(r.at("/permissions/taint/mode").asText()).isEqualTo("session");
    assertThat(r.at("/permissions/taint/sanitizers").isArray()).isTrue();
    assertThat(r.at("/sandbox/required").asBoolean()).isFalse();
    assertThat(Manifests.parse(r).resolvedJson()).isEqualTo(r);
  }

  @Test
  void jsonIsACopy() throws Exception {
    Manifest m = Manifests.parse(Manifests.MINIMAL);
    m.json().put("name", "changed");
    assertThat(m.json().get("name").asText()).isEqualTo("notes");
  }

  @Test
  void toStringIsShortAndNamesNoPermissions() throws Exception {
    Manifest m = ManifestLoader.load(resource("every-field.json"));
    assertThat(m.toString())
        .isEqualTo("Manifest[everything@10.20.30 by Acme Corp, 5 tools, unsigned]")
        .doesNotContain("SMTP_PASSWORD", "/data");
  }

  @Test
  void digestIgnoresFormattingButNotContent() throws Exception {
    Manifest a = Manifests.parse(Manifests.MINIMAL);
    Manifest b = ManifestLoader.load(resource("minimal.json")); // same content, other whitespace
    assertThat(a.digest()).isEqualTo(b.digest()).matches("[0-9a-f]{64}");
    Manifest c = Manifests.parse(Manifests.MINIMAL.replace("1.0.0", "1.0.1"));
    assertThat(c.digest()).isNotEqualTo(a.digest());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0",
        "1.2.3",
        "10.20.30",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-0.3.7",
        "1.0.0-x.7.z.92",
        "1.0.0-x-y-z.--",
        "1.0.0+20130313144700",
        "1.0.0-beta+exp.sha.5114f85",
        "1.0.0+21AF26D3----117B344092BD",
        "99999999999999999999.0.0"
      })
  void semverAccepted(String v) {
    assertThat(ManifestRules.SEMVER.matcher(v).matches()).as(v).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1",
        "1.2",
        "v1.2.3",
        "01.2.3",
        "1.02.3",
        "1.2.03",
        "1.2.3-",
        "1.2.3-01",
        "1.2.3-alpha..1",
        "1.2.3+",
        "1.2.3+a+b",
        "1.2.3.4",
        "1.2.3 ",
        " 1.2.3",
        "1.2.3\n",
        "1.2.3-αlpha",
        "１.2.3",
        "latest"
      })
  void semverRejected(String v) {
    assertThat(ManifestRules.SEMVER.matcher(v).matches()).as(v).isFalse();
  }

  @Test
  void semverRuleNamesTheField() {
    assertThatThrownBy(() -> Manifests.parse(Manifests.MINIMAL.replace("1.0.0", "1.0.0\\n")))
        .isInstanceOf(ManifestException.class)
        .hasMessage(
            "manifest: version: \"1.0.0\\n\" is not a SemVer 2.0 version (expected:"
                + " MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], e.g. 1.0.0)");
  }

  @Test
  void oversizedFileIsRefusedBeforeParsing() throws Exception {
    Path big = dir.resolve("big.json");
    Files.write(big, new byte[ManifestLoader.MAX_BYTES + 1]);
    assertThatThrownBy(() -> ManifestLoader.load(big))
        .isInstanceOf(ManifestException.class)
        .hasMessage(
            "manifest: $: file is larger than 1048576 bytes (expected: a manifest under 1 MiB)");
  }

  @Test
  void missingFileIsAnIoError() {
    assertThatThrownBy(() -> ManifestLoader.load(dir.resolve("nope.json")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void byteOrderMarkIsAccepted() throws Exception {
    byte[] text = Manifests.MINIMAL.getBytes(StandardCharsets.UTF_8);
    byte[] bom = new byte[text.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(text, 0, bom, 3, text.length);
    assertThat(ManifestLoader.parse(bom).name()).isEqualTo("notes");
  }

  @Test
  void exceptionNeedsAProblemAndCopiesTheList() {
    assertThatThrownBy(() -> new ManifestException(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void effectfulToolListsMatchExactlyNotByPrefix() {
    assertThat(ToolKinds.isExec("exec")).isTrue();
    assertThat(ToolKinds.isExec("executor")).isFalse();
    assertThat(ToolKinds.isNet("net.get")).isTrue();
    assertThat(ToolKinds.isNet("net.")).isFalse();
    assertThat(ToolKinds.isNet("netcat")).isFalse();
    assertThat(ToolKinds.isNet("net")).isFalse();
    assertThat(ToolKinds.isNet("mcp.https.delete")).isTrue();
    assertThat(ToolKinds.isNet("mcp.httpsx")).isFalse();
    assertThat(ToolKinds.isFsWrite("fs.write")).isTrue();
    assertThat(ToolKinds.isFsWrite("fs.writer")).isFalse();
  }
}
