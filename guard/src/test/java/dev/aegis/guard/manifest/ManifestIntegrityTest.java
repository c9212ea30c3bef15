package dev.aegis.guard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Hex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestIntegrityTest {
  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void serverFiles() throws Exception {
    dir = tmp.resolve("server");
    write("index.js", "console.log('hi')\n");
    write("lib/util.js", "module.exports = 1\n");
    write("package.json", "{}\n");
  }

  private void write(String rel, String text) throws Exception {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private static String sha(String text) {
    return Hex.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A manifest declaring the directory as it is now. */
  private Manifest declared() throws Exception {
    ManifestIntegrity.Tree tree = ManifestIntegrity.compute(dir);
    ObjectNode json = Manifests.tree(Manifests.MINIMAL);
    ObjectNode integrity = json.putObject("integrity");
    ObjectNode files = integrity.putObject("files");
    tree.files().forEach(files::put);
    integrity.put("tree_sha256", tree.treeSha256());
    return Manifests.parse(json);
  }

  @Test
  void computeHashesEveryFileAndTheSortedTree() throws Exception {
    ManifestIntegrity.Tree tree = ManifestIntegrity.compute(dir);
    assertThat(tree.files())
        .containsExactly(
            Map.entry("index.js", sha("console.log('hi')\n")),
            Map.entry("lib/util.js", sha("module.exports = 1\n")),
            Map.entry("package.json", sha("{}\n")));
    String lines =
        "index.js:"
            + sha("console.log('hi')\n")
            + "\nlib/util.js:"
            + sha("module.exports = 1\n")
            + "\npackage.json:"
            + sha("{}\n")
            + "\n";
    assertThat(tree.treeSha256()).isEqualTo(sha(lines));
  }

  @Test
  void treeOrderIsUtf8ByteOrderNotUtf16() throws Exception {
    // U+FB01 is EF AC 81 in UTF-8 but FB01 in UTF-16; U+1F600 is F0 9F 98 80 but D83D DE00.
    String ligature = "\uFB01.txt";
    String emoji = "\uD83D\uDE00.txt";
    assertThat(ligature.compareTo(emoji)).isPositive(); // Java's String order: emoji first
    Map<String, String> files = new TreeMap<>();
    files.put(emoji, sha("b"));
    files.put(ligature, sha("a"));
    files.put("Z.txt", sha("c"));
    files.put("a.txt", sha("d"));
    String expected =
        sha(
            "Z.txt:"
                + sha("c")
                + "\na.txt:"
                + sha("d")
                + "\n"
                + ligature
                + ":"
                + sha("a")
                + "\n"
                + emoji
                + ":"
                + sha("b")
                + "\n");
    assertThat(ManifestIntegrity.treeHash(files)).isEqualTo(expected);
  }

  @Test
  void treeHashMatchesTheDocumentedShellPipeline() throws Exception {
    // docs/manifest.md: find . -type f ... | LC_ALL=C sort | ... | sha256sum
    assumeTrue(
        new ProcessBuilder("sh", "-c", "command -v sha256sum").start().waitFor() == 0,
        "coreutils sha256sum not installed");
    write("b c.txt", "space\n");
    write("sub/z.txt", "z\n");
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "find . -type f ! -path ./aegis-manifest.json | sed 's|^\\./||' | LC_ALL=C sort |"
                    + " while IFS= read -r f; do printf '%s:%s\\n' \"$f\" \"$(sha256sum \"$f\" |"
                    + " cut -d' ' -f1)\"; done | sha256sum | cut -d' ' -f1")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String shell = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).isZero();
    assertThat(ManifestIntegrity.compute(dir).treeSha256()).isEqualTo(shell);
  }

  @Test
  void intactDirectoryVerifies() throws Exception {
    Manifest m = declared();
    Files.writeString(dir.resolve(Manifest.FILE_NAME), "{}"); // the manifest itself is left out
    assertThat(ManifestIntegrity.verify(m, dir)).isEmpty();
  }

  @Test
  void tamperedFileIsNamed() throws Exception {
    Manifest m = declared();
    write("lib/util.js", "module.exports = 2\n");
    assertThat(ManifestIntegrity.verify(m, dir))
        .containsExactly(
            "manifest: integrity.files[\"lib/util.js\"]: file has SHA-256 "
                + sha("module.exports = 2\n")
                + ", declared "
                + sha("module.exports = 1\n")
                + " (expected: the declared SHA-256; the file was changed)",
            "manifest: integrity.tree_sha256: the directory's tree hash is "
                + ManifestIntegrity.compute(dir).treeSha256()
                + ", declared "
                + m.integrity().treeSha256().orElseThrow()
                + " (expected: the declared tree hash)");
  }

  @Test
  void extraAndMissingFilesAreReported() throws Exception {
    Manifest m = declared();
    write("lib/evil.js", "steal()\n");
    Files.delete(dir.resolve("package.json"));
    List<String> problems = ManifestIntegrity.verify(m, dir);
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0))
        .isEqualTo(
            "manifest: integrity.files[\"package.json\"]: declared, but no such file in "
                + dir
                + " (expected: the declared file)");
    assertThat(problems.get(1))
        .isEqualTo(
            "manifest: integrity.files[\"lib/evil.js\"]: not declared, but the file exists in "
                + dir
                + " (expected: every file of the directory declared)");
    assertThat(problems.get(2)).startsWith("manifest: integrity.tree_sha256: ");
  }

  @Test
  void treeHashAloneIsVerifiedAgainstTheDirectory() throws Exception {
    Manifest declared = declared();
    Manifest treeOnly =
        new Manifest(
            declared.schema(),
            declared.name(),
            declared.version(),
            declared.publisher(),
            declared.permissions(),
            declared.sandbox(),
            new Manifest.Integrity(
                new TreeMap<>(), declared.integrity().treeSha256(), Optional.empty()),
            declared.json());
    assertThat(ManifestIntegrity.verify(treeOnly, dir))
        .allMatch(p -> p.contains("not declared, but the file exists"))
        .hasSize(3);
    write("index.js", "changed");
    assertThat(ManifestIntegrity.verify(treeOnly, dir))
        .anyMatch(p -> p.startsWith("manifest: integrity.tree_sha256: the directory's tree hash"));
  }

  @Test
  void escapingDeclaredPathsAreRejectedWithoutReadingThem() throws Exception {
    Files.writeString(tmp.resolve("secret"), "outside");
    Manifest d = declared();
    TreeMap<String, String> files = new TreeMap<>(d.integrity().files());
    files.put("../secret", sha("outside"));
    files.put(tmp.resolve("secret").toString(), sha("outside"));
    Manifest m =
        new Manifest(
            d.schema(),
            d.name(),
            d.version(),
            d.publisher(),
            d.permissions(),
            d.sandbox(),
            new Manifest.Integrity(files, d.integrity().treeSha256(), Optional.empty()),
            d.json());
    assertThat(ManifestIntegrity.verify(m, dir))
        .containsExactly(
            "manifest: integrity.files[\"../secret\"]: has a \"..\" segment, which escapes the"
                + " directory (expected: "
                + ManifestIntegrity.RELPATH_EXPECTED
                + ")",
            "manifest: integrity.files[\""
                + tmp.resolve("secret")
                + "\"]: is an absolute path (expected: "
                + ManifestIntegrity.RELPATH_EXPECTED
                + ")");
  }

  @Test
  void symlinkEscapingTheDirectoryIsRejected() throws Exception {
    Files.writeString(tmp.resolve("passwd"), "root:x:0:0\n");
    Manifest m = declared();
    Files.createSymbolicLink(dir.resolve("lib/passwd"), tmp.resolve("passwd"));
    Files.createSymbolicLink(dir.resolve("up"), tmp);
    List<String> problems = ManifestIntegrity.verify(m, dir);
    assertThat(problems)
        .containsExactly(
            "manifest: integrity.files[\"lib/passwd\"]: is a symlink escaping the directory (to "
                + tmp.toRealPath().resolve("passwd")
                + ") (expected: symlinks to files inside the directory)",
            "manifest: integrity.files[\"up\"]: is a symlink escaping the directory (to "
                + tmp.toRealPath()
                + ") (expected: symlinks to files inside the directory)");
    ManifestException e =
        catchThrowableOfType(ManifestException.class, () -> ManifestIntegrity.compute(dir));
    assertThat(e.problems()).isEqualTo(problems);
  }

  @Test
  void symlinkInsideTheDirectoryIsHashedAsItsTarget() throws Exception {
    Files.createSymbolicLink(dir.resolve("main.js"), Path.of("index.js"));
    ManifestIntegrity.Tree tree = ManifestIntegrity.compute(dir);
    assertThat(tree.files().get("main.js")).isEqualTo(tree.files().get("index.js"));
    Files.createSymbolicLink(dir.resolve("libdir"), Path.of("lib"));
    Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));
    ManifestException e =
        catchThrowableOfType(ManifestException.class, () -> ManifestIntegrity.compute(dir));
    assertThat(e.problems())
        .containsExactly(
            "manifest: integrity.files[\"dangling\"]: is a dangling symlink (expected: symlinks"
                + " to files inside the directory)",
            "manifest: integrity.files[\"libdir\"]: is a symlink to a directory or special file"
                + " (expected: symlinks to files inside the directory)");
  }

  @Test
  void directoryReachedThroughASymlinkIsWalkedAsItsRealPath() throws Exception {
    Path link = tmp.resolve("link");
    Files.createSymbolicLink(link, dir);
    assertThat(ManifestIntegrity.compute(link)).isEqualTo(ManifestIntegrity.compute(dir));
  }

  @Test
  void fileNamesThatCannotBeListedAreReported() throws Exception {
    write("bad\nname.js", "x");
    write("back\\slash.js", "y");
    ManifestException e =
        catchThrowableOfType(ManifestException.class, () -> ManifestIntegrity.compute(dir));
    assertThat(e.problems())
        .containsExactly(
            "manifest: integrity.files[\"back\\\\slash.js\"]: file name has a \"\\\" (separators"
                + " are \"/\") (expected: "
                + ManifestIntegrity.RELPATH_EXPECTED
                + ")",
            "manifest: integrity.files[\"bad\\nname.js\"]: file name has a control character"
                + " (expected: "
                + ManifestIntegrity.RELPATH_EXPECTED
                + ")");
  }

  @Test
  void excludedFilesAreLeftOut() throws Exception {
    Path signed = dir.resolve("signed.json");
    Files.writeString(signed, "{}");
    assertThat(ManifestIntegrity.compute(dir, Set.of(signed, dir.resolve("missing.json"))).files())
        .doesNotContainKey("signed.json");
    assertThat(ManifestIntegrity.compute(dir).files()).containsKey("signed.json");
  }

  @Test
  void nothingDeclaredIsAProblemWhenADirectoryIsChecked() throws Exception {
    assertThat(ManifestIntegrity.verify(Manifests.parse(Manifests.MINIMAL), dir))
        .containsExactly(
            "manifest: integrity.files: nothing declared (expected: integrity written by"
                + " aegisctl manifest sign --dir)");
  }
}
