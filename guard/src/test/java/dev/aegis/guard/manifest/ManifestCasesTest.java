package dev.aegis.guard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Data-driven loader cases: every {@code cases/valid/*.json} loads; every {@code
 * cases/invalid/NAME.json} fails with exactly the problems in {@code NAME.want}, one per line, in
 * order ({@code #} lines are notes). Run with {@code -Daegis.manifest.record=true} to rewrite the
 * {@code .want} files from the loader's output, then review the diff.
 */
class ManifestCasesTest {
  private static final Path SOURCE =
      Path.of("src/test/resources/dev/aegis/guard/manifest/cases/invalid");

  @TestFactory
  Stream<DynamicTest> validManifestsLoad() throws Exception {
    return files("valid")
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.getFileName().toString(),
                    () ->
                        assertThatCode(() -> ManifestLoader.load(f))
                            .as(f.toString())
                            .doesNotThrowAnyException()));
  }

  @TestFactory
  Stream<DynamicTest> invalidManifestsListEveryProblem() throws Exception {
    return files("invalid")
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> invalid(f)));
  }

  private static void invalid(Path f) throws IOException {
    ManifestException e =
        catchThrowableOfType(ManifestException.class, () -> ManifestLoader.load(f));
    assertThat(e).as(f + " must be invalid").isNotNull();
    String name = f.getFileName().toString().replaceFirst("\\.json$", ".want");
    Path want = f.resolveSibling(name);
    if (Boolean.getBoolean("aegis.manifest.record")) {
      List<String> lines = new ArrayList<>();
      if (Files.exists(want)) {
        Files.readAllLines(want).stream().filter(l -> l.startsWith("#")).forEach(lines::add);
      }
      lines.addAll(e.problems());
      Files.write(SOURCE.resolve(name), lines, StandardCharsets.UTF_8);
      return;
    }
    assertThat(want).as("expected problems").exists();
    List<String> expected = new ArrayList<>();
    for (String line : Files.readAllLines(want, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        expected.add(line);
      }
    }
    assertThat(e.problems()).as(f.toString()).containsExactlyElementsOf(expected);
    assertThat(e.getMessage()).isEqualTo(String.join("\n", expected));
  }

  private static Stream<Path> files(String dir) throws IOException, URISyntaxException {
    Path root = Path.of(ManifestCasesTest.class.getResource("cases/" + dir).toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(root)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as(dir + " cases").isNotEmpty();
    return files.stream();
  }
}
