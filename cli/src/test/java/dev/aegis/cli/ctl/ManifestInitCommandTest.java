package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.examples.ExampleServer;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ManifestLoader;
import dev.aegis.guard.manifest.ToolKinds;
import dev.aegis.testsupport.NodePeers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ManifestInitCommandTest {
  @TempDir Path tmp;

  private static Ctl.Run init(Path out, List<String> command, String... flags) {
    List<String> args = new ArrayList<>(List.of("manifest", "init", "--out", out.toString()));
    args.addAll(List.of(flags));
    args.add("--");
    args.addAll(command);
    return Ctl.run(args.toArray(String[]::new));
  }

  @Test
  void exampleServerGetsAStartingManifestWithTheDestructiveToolUnderApproval() throws Exception {
    Path out = tmp.resolve("m.json");
    Ctl.Run run = init(out, ExampleServer.javaCommand());
    assertThat(run.exit()).as(run.err()).isZero();
    Manifest m = ManifestLoader.load(out);
    assertThat(m.name()).isEqualTo(ExampleServer.NAME);
    assertThat(m.version()).isEqualTo("1.0.0");
    assertThat(m.publisher()).isEqualTo("unknown");
    assertThat(m.permissions().tools())
        .containsExactly(
            "echo",
            "add",
            "count_slowly",
            "confirm_action",
            "ask_model",
            "read_note",
            "delete_note",
            "redact");
    assertThat(m.permissions().approvalRequired()).containsExactly("delete_note");
    assertThat(m.sandbox().required()).isFalse();
    assertThat(m.json().has("sandbox")).isFalse();
    assertThat(m.json().path("permissions").has("budgets")).isFalse();
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("aegisctl: note: publisher set to \"unknown\" (--publisher sets it)")
        .contains("aegis-example 1.0.0 (protocol 2024-11-05): 8 tools")
        .contains("  read_note       allowed (readOnlyHint)")
        .contains("  delete_note     approval_required (destructiveHint)")
        .endsWith("wrote " + out + System.lineSeparator());
    Ctl.Run validate = Ctl.run("manifest", "validate", out.toString());
    assertThat(validate.exit()).as(validate.out()).isZero();
  }

  @Test
  void filesystemServerToolsAreClassifiedAndWritersNeedApproval() throws Exception {
    Path served = Files.createDirectories(tmp.resolve("served"));
    Path out = tmp.resolve("fs.json");
    Ctl.Run run = init(out, NodePeers.filesystemServer(List.of(served)), "--publisher", "acme");
    assertThat(run.exit()).as(run.err()).isZero();
    Manifest m = ManifestLoader.load(out);
    assertThat(m.name()).isEqualTo("secure-filesystem-server");
    assertThat(m.publisher()).isEqualTo("acme");
    List<String> writers = List.of("write_file", "edit_file", "create_directory", "move_file");
    assertThat(m.permissions().approvalRequired()).containsExactlyInAnyOrderElementsOf(writers);
    assertThat(m.permissions().fs().tools()).containsExactlyInAnyOrderElementsOf(writers);
    assertThat(m.permissions().fs().readTools())
        .contains("read_text_file", "list_directory", "search_files", "get_file_info")
        .doesNotContainAnyElementsOf(writers);
    assertThat(m.permissions().fs().readRoots()).isEmpty();
    assertThat(m.permissions().fs().writeRoots()).isEmpty();
    assertThat(m.permissions().tools())
        .containsAll(m.permissions().fs().readTools())
        .containsAll(writers);
    assertThat(m.sandbox().required()).isTrue();
    assertThat(run.err())
        .contains("write_file")
        .contains("approval_required (destructiveHint); fs.tools: needs write_roots")
        .contains("allowed (readOnlyHint); fs.read_tools: needs read_roots")
        .contains("add directories to permissions.fs.read_roots and write_roots");
    Ctl.Run validate = Ctl.run("manifest", "validate", out.toString());
    assertThat(validate.exit()).as(validate.out()).isZero();
  }

  @Test
  void misbehavingServerIsAnsweredAndItsPagesFollowed() throws Exception {
    // A fault-injecting peer: log lines on stdout, a server-to-client request, a non-SemVer
    // version and two tools/list pages. It records what aegisctl answered to its request.
    Path replies = tmp.resolve("replies");
    Path script = tmp.resolve("server.sh");
    Files.writeString(
        script,
        String.join(
            "\n",
            "echo 'server starting'",
            "read -r init",
            "echo '{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\"roots/list\"}'",
            "read -r reply; echo \"$reply\" > '" + replies + "'",
            "echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"odd\","
                + "\"version\":\"1.2\"}}}'",
            "read -r initialized",
            "read -r list1",
            "echo '{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"fetch\","
                + "\"annotations\":{\"openWorldHint\":true}}],\"nextCursor\":\"p2\"}}'",
            "read -r list2",
            "echo '{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"tools\":[{\"name\":\"bash\"},"
                + "{\"name\":\"lookup\",\"annotations\":{\"readOnlyHint\":true}}]}}'",
            "read -r eof",
            ""));
    Path out = tmp.resolve("odd.json");
    Ctl.Run run = init(out, List.of("sh", script.toString()), "--timeout", "10s");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Files.readString(replies)).contains("\"id\":\"r1\"").contains("\"code\":-32601");
    Manifest m = ManifestLoader.load(out);
    assertThat(m.version()).isEqualTo("1.2.0");
    assertThat(m.permissions().tools()).containsExactly("fetch", "bash", "lookup");
    assertThat(m.permissions().approvalRequired()).containsExactly("fetch", "bash");
    assertThat(m.permissions().net().tools()).containsExactly("fetch");
    assertThat(m.permissions().net().domains()).isEmpty();
    assertThat(m.permissions().exec().tools()).containsExactly("bash");
    assertThat(m.permissions().exec().allowedBins()).isEmpty();
    assertThat(m.permissions().taint().untrustedTools()).containsExactly("fetch");
    assertThat(m.sandbox().required()).isTrue();
    assertThat(run.err())
        .contains(
            "note: skipped a line on the server's stdout that is not a JSON-RPC message:"
                + " server starting")
        .contains("note: server version \"1.2\" written as SemVer 1.2.0")
        .contains("add hosts to permissions.net.domains")
        .contains("add binaries to permissions.exec.allowed_bins");
  }

  @Test
  void commandThatDoesNotExistExitsTwo() {
    Path out = tmp.resolve("m.json");
    Ctl.Run run = init(out, List.of(tmp.resolve("no-such-server").toString()));
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("aegisctl: cannot start ").contains("no-such-server");
    assertThat(out).doesNotExist();
  }

  @Test
  void serverThatNeverAnswersExitsTwoAfterTheTimeout() {
    Path out = tmp.resolve("m.json");
    Ctl.Run run = init(out, List.of("sleep", "60"), "--timeout", "1s");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("aegisctl: sleep did not answer initialize within 1s");
    assertThat(out).doesNotExist();
  }

  @Test
  void serverThatExitsEarlyExitsTwo() {
    Ctl.Run run = init(tmp.resolve("m.json"), List.of("true"));
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "aegisctl: true exited with status 0 before answering initialize"
                + System.lineSeparator());
  }

  @Test
  void existingFileIsKeptWithoutForceAndReplacedWithIt() throws Exception {
    Path out = tmp.resolve("m.json");
    Files.writeString(out, "mine\n");
    Ctl.Run kept = init(out, ExampleServer.javaCommand());
    assertThat(kept.exit()).isEqualTo(2);
    assertThat(kept.err())
        .isEqualTo(
            "aegisctl: "
                + out
                + " exists; not overwritten (use --force to replace it)"
                + System.lineSeparator());
    assertThat(Files.readString(out)).isEqualTo("mine\n");
    Ctl.Run replaced =
        init(
            out,
            ExampleServer.javaCommand(),
            "--force",
            "--name",
            "notes",
            "--version",
            "2.0.0",
            "--publisher",
            "acme");
    assertThat(replaced.exit()).as(replaced.err()).isZero();
    Manifest m = ManifestLoader.load(out);
    assertThat(List.of(m.name(), m.version(), m.publisher()))
        .containsExactly("notes", "2.0.0", "acme");
  }

  @Test
  void badFlagsExitTwo() {
    Path out = tmp.resolve("m.json");
    assertThat(init(out, List.of("true"), "--timeout", "0s").exit()).isEqualTo(2);
    assertThat(init(out, List.of("true"), "--timeout", "soon").exit()).isEqualTo(2);
    Ctl.Run run = init(out, ExampleServer.javaCommand(), "--version", "1.2");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--version: \"1.2\" is not a SemVer 2.0 version");
    assertThat(Ctl.run("manifest", "init").exit()).isEqualTo(2);
  }

  @Test
  void versionsBecomeSemVerOnlyWhenUnambiguous() {
    assertThat(ManifestInitIdentity.semver("1.2")).isEqualTo("1.2.0");
    assertThat(ManifestInitIdentity.semver("v3")).isEqualTo("3.0.0");
    assertThat(ManifestInitIdentity.semver("2025.08.21")).isEqualTo("2025.8.21");
    assertThat(ManifestInitIdentity.semver("1.0.0-beta.1+b7")).isEqualTo("1.0.0-beta.1+b7");
    assertThat(ManifestInitIdentity.semver("1.2.3.4")).isNull();
    assertThat(ManifestInitIdentity.semver("latest")).isNull();
    assertThat(ManifestInitIdentity.semver("")).isNull();
  }

  @Test
  void builtInFileToolListsMatchThePolicy() throws Exception {
    Path fsRego = NodePeers.repoRoot().resolve("policies/aegis/fs.rego");
    assertThat(ToolKinds.fsReadTools()).isEqualTo(rule(fsRego, "builtin_fs_read_tool"));
    assertThat(ToolKinds.fsWriteTools()).containsAll(rule(fsRego, "builtin_fs_write_tool"));
    assertThat(ToolKinds.of("write_file")).isEqualTo(ToolKinds.Kind.FS_WRITE);
    assertThat(ToolKinds.of("netcat")).isEqualTo(ToolKinds.Kind.OTHER);
  }

  private static Set<String> rule(Path rego, String name) throws Exception {
    Pattern p = Pattern.compile("^" + name + "\\(\"([^\"]+)\"\\)$");
    Set<String> names = new TreeSet<>();
    try (Stream<String> lines = Files.lines(rego)) {
      lines.forEach(
          l -> {
            Matcher m = p.matcher(l.strip());
            if (m.matches()) {
              names.add(m.group(1));
            }
          });
    }
    assertThat(names).isNotEmpty();
    return names;
  }
}
