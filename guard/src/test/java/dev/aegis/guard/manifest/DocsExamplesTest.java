package dev.aegis.guard.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every complete manifest in docs/manifest.md loads, so the documentation cannot rot. */
class DocsExamplesTest {
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyManifestInTheDocsIsValid() throws Exception {
    Path root = Path.of(System.getProperty("aegis.root", ".."));
    String doc = Files.readString(root.resolve("docs/manifest.md"));
    List<String> manifests = new ArrayList<>();
    Matcher m = JSON_BLOCK.matcher(doc);
    while (m.find()) {
      if (m.group(1).contains("\"schema\"")) {
        manifests.add(m.group(1));
      }
    }
    assertThat(manifests).hasSizeGreaterThanOrEqualTo(4);
    for (String json : manifests) {
      Manifest manifest = ManifestLoader.parse(json.getBytes(StandardCharsets.UTF_8));
      assertThat(manifest.schema()).isEqualTo(Manifest.SCHEMA);
    }
  }
}
