package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import dev.aegis.guard.manifest.ManifestKeys;
import dev.aegis.guard.manifest.ManifestLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCommandTest {
  private static final String NL = System.lineSeparator();
  private static final String MINIMAL =
      "{\"schema\": \"aegis.dev/manifest/v0.1\", \"name\": \"notes\", \"version\": \"1.0.0\",\n"
          + " \"publisher\": \"acme\", \"permissions\": {\"tools\": [\"search_notes\","
          + " \"read_note\"], \"budgets\": {\"max_tool_calls\": 5}}}\n";

  @TempDir Path tmp;
  Path manifest;
  Path server;

  @BeforeEach
  void files() throws Exception {
    manifest = tmp.resolve("aegis-manifest.json");
    Files.writeString(manifest, MINIMAL);
    server = tmp.resolve("server");
    Files.createDirectories(server.resolve("lib"));
    Files.writeString(server.resolve("index.js"), "main()\n");
    Files.writeString(server.resolve("lib/a.js"), "a()\n");
  }

  private String m() {
    return manifest.toString();
  }

  /** keygen --out tmp/NAME; returns the prefix. */
  private String keygen(String name) {
    String prefix = tmp.resolve(name).toString();
    Ctl.Run run = Ctl.run("manifest", "keygen", "--out", prefix);
    assertThat(run.exit()).as(run.err()).isZero();
    return prefix;
  }

  @Test
  void validManifestIsValidWithAWarningWhenUnsigned() {
    Ctl.Run run = Ctl.run("manifest", "validate", m());
    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .isEqualTo("valid  " + m() + ": notes 1.0.0 by acme, 2 tools, unsigned" + NL);
    assertThat(run.err())
        .isEqualTo(
            "aegisctl: warning: integrity.signature is missing: the manifest is not signed;"
                + " accepted only because the trust mode is dev"
                + NL);
  }

  @Test
  void invalidManifestListsEveryProblemAndExitsOne() throws Exception {
    Files.writeString(
        manifest,
        "{\"schema\": \"aegis.dev/manifest/v0.1\", \"name\": \"\", \"version\": \"1.0\","
            + " \"publisher\": \"acme\", \"permissions\": {\"tools\": [\"bash\"],"
            + " \"net\": {\"domain\": []}}}");
    Ctl.Run run = Ctl.run("manifest", "validate", m());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEmpty();
    assertThat(run.out().lines())
        .containsExactly(
            "INVALID  " + m() + ": 4 problems",
            "  manifest: permissions.net.domain: unknown key; did you mean \"domains\"? (expected:"
                + " one of domains, tools)",
            "  manifest: name: is empty (expected: a non-empty string)",
            "  manifest: version: \"1.0\" is not a SemVer 2.0 version (expected:"
                + " MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], e.g. 1.0.0)",
            "  manifest: sandbox.required: missing but effectful permissions are declared: exec"
                + " tool \"bash\" (expected: true)");
  }

  @Test
  void duplicateKeyIsInvalid() throws Exception {
    Files.writeString(
        manifest, MINIMAL.replace("\"name\": \"notes\"", "\"name\": \"a\", \"name\": \"b\""));
    Ctl.Run run = Ctl.run("manifest", "validate", m());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("  manifest: name: duplicate key at line 1, column ");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    Ctl.Run missing = Ctl.run("manifest", "validate", tmp.resolve("nope.json").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo("aegisctl: " + tmp.resolve("nope.json") + ": no such file or directory" + NL);

    for (String mode : new String[] {"", "PROD", "strict"}) {
      Ctl.Run run = Ctl.run("manifest", "validate", m(), "--trust", mode);
      assertThat(run.exit()).as(mode).isEqualTo(2);
      assertThat(run.err())
          .startsWith(
              "aegisctl: --trust: trust mode \"" + mode + "\" (expected: dev or prod)" + NL);
    }
    Ctl.Run noKey = Ctl.run("manifest", "validate", m(), "--trust", "prod");
    assertThat(noKey.exit()).isEqualTo(2);
    assertThat(noKey.err()).startsWith("aegisctl: --trust prod needs at least one --trusted-key");

    Ctl.Run badKey = Ctl.run("manifest", "validate", m(), "--trusted-key", m());
    assertThat(badKey.exit()).isEqualTo(2);
    assertThat(badKey.err())
        .isEqualTo("aegisctl: " + m() + ": not a PEM file with a PUBLIC KEY" + NL);

    Ctl.Run noCommand = Ctl.run("manifest");
    assertThat(noCommand.exit()).isEqualTo(2);
    assertThat(noCommand.err())
        .startsWith("aegisctl: missing command (one of: validate, show, keygen, sign, init)");
  }

  @Test
  void keygenWritesAPrivateKeyOnlyTheOwnerCanRead() throws Exception {
    String prefix = tmp.resolve("acme").toString();
    Ctl.Run run = Ctl.run("manifest", "keygen", "--out", prefix);
    assertThat(run.exit()).isZero();
    Path key = Path.of(prefix + ".key");
    Path pub = Path.of(prefix + ".pub");
    String id = ManifestKeys.keyId(ManifestKeys.readPublic(pub));
    assertThat(run.out())
        .isEqualTo(
            "wrote " + key + " (private: keep it secret) and " + pub + "; key_id " + id + NL);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)))
        .isEqualTo("rw-r--r--");
    assertThat(ManifestKeys.publicKeyOf(ManifestKeys.readPrivate(key)).getEncoded())
        .isEqualTo(ManifestKeys.readPublic(pub).getEncoded());

    Ctl.Run again = Ctl.run("manifest", "keygen", "--out", prefix);
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err())
        .isEqualTo(
            "aegisctl: " + key + " exists; not overwritten (use --force to replace it)" + NL);
    assertThat(ManifestKeys.keyId(ManifestKeys.readPublic(pub))).isEqualTo(id);

    Ctl.Run forced = Ctl.run("manifest", "keygen", "--out", prefix, "--force");
    assertThat(forced.exit()).isZero();
    assertThat(ManifestKeys.keyId(ManifestKeys.readPublic(pub))).isNotEqualTo(id);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
  }

  @Test
  void signThenValidateInProdWithTheFiles() throws Exception {
    String acme = keygen("acme");
    Files.setPosixFilePermissions(manifest, PosixFilePermissions.fromString("rw-r-----"));
    Ctl.Run sign =
        Ctl.run("manifest", "sign", m(), "--key", acme + ".key", "--dir", server.toString());
    assertThat(sign.exit()).as(sign.err()).isZero();
    String id = ManifestKeys.keyId(ManifestKeys.readPublic(Path.of(acme + ".pub")));
    assertThat(sign.out())
        .startsWith("signed  " + m() + ": key_id " + id + ", 2 files, tree_sha256 ")
        .endsWith(NL);
    String text = Files.readString(manifest);
    assertThat(text)
        .startsWith("{\n  \"schema\": \"aegis.dev/manifest/v0.1\",\n  \"name\": \"notes\",\n")
        .contains("\"lib/a.js\": \"")
        .contains("\"key_id\": \"" + id + "\"")
        .endsWith("}\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(manifest)))
        .isEqualTo("rw-r-----");

    Ctl.Run ok =
        Ctl.run(
            "manifest",
            "validate",
            m(),
            "--trust",
            "prod",
            "--trusted-key",
            acme + ".pub",
            "--dir",
            server.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .isEqualTo(
            "valid  "
                + m()
                + ": notes 1.0.0 by acme, 2 tools, signed by trusted key "
                + id
                + ", 2 files verified"
                + NL);
    assertThat(ok.err()).isEmpty();
  }

  @Test
  void prodRejectsUnsignedWrongKeyAndTamperedManifests() throws Exception {
    String acme = keygen("acme");
    String other = keygen("other");
    Ctl.Run unsigned =
        Ctl.run("manifest", "validate", m(), "--trust", "prod", "--trusted-key", acme + ".pub");
    assertThat(unsigned.exit()).isEqualTo(1);
    assertThat(unsigned.out())
        .isEqualTo(
            "INVALID  "
                + m()
                + ": 1 problem"
                + NL
                + "  manifest: integrity.signature: is missing: the manifest is not signed"
                + " (expected: a valid signature by a trusted key in trust mode prod)"
                + NL);

    assertThat(Ctl.run("manifest", "sign", m(), "--key", acme + ".key").exit()).isZero();
    Ctl.Run wrongKey =
        Ctl.run("manifest", "validate", m(), "--trust", "prod", "--trusted-key", other + ".pub");
    assertThat(wrongKey.exit()).isEqualTo(1);
    assertThat(wrongKey.out()).contains("which is not a trusted key");

    Ctl.Run devWrongKey = Ctl.run("manifest", "validate", m(), "--trusted-key", other + ".pub");
    assertThat(devWrongKey.exit()).isZero();
    assertThat(devWrongKey.out()).contains(", signature not trusted");
    assertThat(devWrongKey.err()).contains("aegisctl: warning: ").contains("not a trusted key");

    // One byte of content: max_tool_calls 5 -> 6.
    String text = Files.readString(manifest);
    assertThat(text).contains("\"max_tool_calls\": 5");
    Files.writeString(manifest, text.replace("\"max_tool_calls\": 5", "\"max_tool_calls\": 6"));
    Ctl.Run tampered =
        Ctl.run(
            "manifest",
            "validate",
            m(),
            "--trust",
            "prod",
            "--trusted-key",
            other + ".pub",
            "--trusted-key",
            acme + ".pub");
    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.out()).contains("does not verify with trusted key");
  }

  @Test
  void validateFindsTamperedAndExtraFiles() throws Exception {
    String acme = keygen("acme");
    assertThat(
            Ctl.run("manifest", "sign", m(), "--key", acme + ".key", "--dir", server.toString())
                .exit())
        .isZero();
    Files.writeString(server.resolve("lib/a.js"), "evil()\n");
    Files.writeString(server.resolve("extra.js"), "x\n");
    Ctl.Run run = Ctl.run("manifest", "validate", m(), "--dir", server.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out().lines()).hasSize(4).first().isEqualTo("INVALID  " + m() + ": 3 problems");
    assertThat(run.out())
        .contains("  manifest: integrity.files[\"lib/a.js\"]: file has SHA-256 ")
        .contains("  manifest: integrity.files[\"extra.js\"]: not declared")
        .contains("  manifest: integrity.tree_sha256: the directory's tree hash is ");
  }

  @Test
  void signLeavesTheManifestOutOfItsOwnDirectoryAndWritesOut() throws Exception {
    String acme = keygen("acme");
    Path inside = server.resolve("aegis-manifest.json");
    Files.writeString(inside, MINIMAL);
    Path out = server.resolve("signed.json");
    Ctl.Run run =
        Ctl.run(
            "manifest",
            "sign",
            inside.toString(),
            "--key",
            acme + ".key",
            "--dir",
            server.toString(),
            "--out",
            out.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(Files.readString(inside)).isEqualTo(MINIMAL);
    JsonNode signed = Json.parse(Files.readAllBytes(out));
    assertThat(signed.at("/integrity/files").properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactly("index.js", "lib/a.js");
    Ctl.Run ok =
        Ctl.run(
            "manifest",
            "validate",
            out.toString(),
            "--trust",
            "prod",
            "--trusted-key",
            acme + ".pub",
            "--dir",
            server.toString());
    // aegis-manifest.json (the draft) is left out by default; signed.json is the file checked.
    assertThat(ok.exit()).as(ok.out()).isZero();
  }

  @Test
  void signRefusesInvalidManifestsKeysInsideTheDirAndEscapingSymlinks() throws Exception {
    String acme = keygen("acme");
    Files.writeString(manifest, MINIMAL.replace("1.0.0", "one"));
    Ctl.Run invalid = Ctl.run("manifest", "sign", m(), "--key", acme + ".key");
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.out()).startsWith("INVALID  " + m() + ": 1 problem" + NL);
    assertThat(Files.readString(manifest)).isEqualTo(MINIMAL.replace("1.0.0", "one"));

    Files.writeString(manifest, MINIMAL);
    Files.copy(Path.of(acme + ".key"), server.resolve("acme.key"));
    Ctl.Run keyInside =
        Ctl.run(
            "manifest",
            "sign",
            m(),
            "--key",
            server.resolve("acme.key").toString(),
            "--dir",
            server.toString());
    assertThat(keyInside.exit()).isEqualTo(2);
    assertThat(keyInside.err()).contains("is inside --dir").contains("move it out");
    Files.delete(server.resolve("acme.key"));

    Files.writeString(tmp.resolve("passwd"), "root:x:0:0\n");
    Files.createSymbolicLink(server.resolve("passwd"), tmp.resolve("passwd"));
    Ctl.Run escaping =
        Ctl.run("manifest", "sign", m(), "--key", acme + ".key", "--dir", server.toString());
    assertThat(escaping.exit()).isEqualTo(1);
    assertThat(escaping.out())
        .contains("manifest: integrity.files[\"passwd\"]: is a symlink escaping the directory");
    assertThat(Files.readString(manifest)).isEqualTo(MINIMAL);

    Ctl.Run noKey = Ctl.run("manifest", "sign", m(), "--key", tmp.resolve("none.key").toString());
    assertThat(noKey.exit()).isEqualTo(2);
    assertThat(noKey.err())
        .isEqualTo("aegisctl: " + tmp.resolve("none.key") + ": no such file or directory" + NL);
  }

  @Test
  void showMarksDefaults() {
    Ctl.Run run = Ctl.run("manifest", "show", m());
    assertThat(run.exit()).isZero();
    assertThat(run.out().lines())
        .contains(
            "schema                                      aegis.dev/manifest/v0.1",
            "permissions.tools                           search_notes, read_note",
            "permissions.fs.read_roots                   - (default)",
            "permissions.budgets.max_steps               24 (default)",
            "permissions.budgets.max_tool_calls          5",
            "permissions.budgets.max_wall_time_ms        120000 (default)",
            "permissions.budgets.max_output_bytes        1048576 (default)",
            "permissions.budgets.timeout_ms              30000 (default)",
            "permissions.loops.identical_call_threshold  3 (default)",
            "permissions.loops.window                    20 (default)",
            "permissions.taint.mode                      session (default)",
            "sandbox.required                            false (default)",
            "integrity.files                             0 files");
    assertThat(run.out().lines().reduce((a, b) -> b).orElseThrow())
        .matches("digest +sha256:[0-9a-f]{64}");
  }

  @Test
  void showJsonIsTheResolvedManifest() throws Exception {
    Ctl.Run run = Ctl.run("manifest", "show", m(), "--json");
    assertThat(run.exit()).isZero();
    JsonNode doc = Json.parse(run.out().getBytes(StandardCharsets.UTF_8));
    assertThat(doc.at("/permissions/budgets/max_steps").asLong()).isEqualTo(24);
    assertThat(doc.at("/permissions/budgets/max_tool_calls").asLong()).isEqualTo(5);
    assertThat(doc.at("/permissions/loops/sequence_max_length").asInt()).isEqualTo(7);
    assertThat(doc.at("/permissions/taint/mode").asText()).isEqualTo("session");
    assertThat(ManifestLoader.parse(run.out().getBytes(StandardCharsets.UTF_8)).name())
        .isEqualTo("notes");
  }

  @Test
  void showOfAnInvalidManifestExitsOne() throws Exception {
    Files.writeString(manifest, "[]");
    Ctl.Run run = Ctl.run("manifest", "show", m());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out())
        .isEqualTo(
            "INVALID  "
                + m()
                + ": 1 problem"
                + NL
                + "  manifest: $: is an array (expected: a JSON object)"
                + NL);
  }

  @Test
  void everySubcommandHasHelpWithExamples() {
    for (String sub : new String[] {"validate", "show", "keygen", "sign"}) {
      Ctl.Run run = Ctl.run("manifest", sub, "--help");
      assertThat(run.exit()).as(sub).isZero();
      assertThat(run.out()).contains("Usage: aegisctl manifest " + sub, "Examples:", "Exit codes:");
    }
    assertThat(Ctl.run("manifest", "--help").out()).contains("validate", "show", "keygen", "sign");
    assertThat(Ctl.run("--help").out()).contains("manifest");
  }
}
