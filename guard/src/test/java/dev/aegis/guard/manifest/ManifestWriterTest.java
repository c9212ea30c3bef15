package dev.aegis.guard.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestWriterTest {
  @Test
  void writesDocumentedKeyOrderPrettyAndStable() throws Exception {
    String scrambled =
        "{'integrity':{'tree_sha256':'"
            + ManifestIntegrity.treeHash(java.util.Map.of("b", "0".repeat(64), "a", "1".repeat(64)))
            + "','files':{'b':'"
            + "0".repeat(64)
            + "','a':'"
            + "1".repeat(64)
            + "'}},'sandbox':{'mounts':[],'required':true},'permissions':{'budgets':"
            + "{'timeout_ms':5,'max_steps':3},'tools':['x','fetch'],'net':{'domains':['a.io']}},"
            + "'publisher':'p','version':'1.0.0','name':'n','schema':'aegis.dev/manifest/v0.1'}";
    Manifest m = Manifests.parse(scrambled);
    String out = new String(ManifestWriter.write(m.json()), StandardCharsets.UTF_8);
    String h = m.integrity().treeSha256().orElseThrow();
    assertThat(out)
        .isEqualTo(
            "{\n"
                + "  \"schema\": \"aegis.dev/manifest/v0.1\",\n"
                + "  \"name\": \"n\",\n"
                + "  \"version\": \"1.0.0\",\n"
                + "  \"publisher\": \"p\",\n"
                + "  \"permissions\": {\n"
                + "    \"tools\": [\n"
                + "      \"x\",\n"
                + "      \"fetch\"\n"
                + "    ],\n"
                + "    \"net\": {\n"
                + "      \"domains\": [\n"
                + "        \"a.io\"\n"
                + "      ]\n"
                + "    },\n"
                + "    \"budgets\": {\n"
                + "      \"max_steps\": 3,\n"
                + "      \"timeout_ms\": 5\n"
                + "    }\n"
                + "  },\n"
                + "  \"sandbox\": {\n"
                + "    \"required\": true,\n"
                + "    \"mounts\": []\n"
                + "  },\n"
                + "  \"integrity\": {\n"
                + "    \"files\": {\n"
                + "      \"a\": \""
                + "1".repeat(64)
                + "\",\n"
                + "      \"b\": \""
                + "0".repeat(64)
                + "\"\n"
                + "    },\n"
                + "    \"tree_sha256\": \""
                + h
                + "\"\n"
                + "  }\n"
                + "}\n");
    assertThat(
            ManifestWriter.write(ManifestLoader.parse(out.getBytes(StandardCharsets.UTF_8)).json()))
        .isEqualTo(out.getBytes(StandardCharsets.UTF_8));
    assertThat(ManifestLoader.parse(out.getBytes(StandardCharsets.UTF_8)).digest())
        .isEqualTo(m.digest());
  }

  @Test
  void escapesStrings() throws Exception {
    Manifest m = Manifests.parse(Manifests.MINIMAL.replace("acme", "a\\\"c\\u00e9\\n"));
    String out = new String(ManifestWriter.write(m.json()), StandardCharsets.UTF_8);
    assertThat(out).contains("\"publisher\": \"a\\\"cé\\n\"");
    assertThat(ManifestLoader.parse(out.getBytes(StandardCharsets.UTF_8)).publisher())
        .isEqualTo("a\"cé\n");
  }
}
