package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import dev.aegis.testsupport.NodePeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule 6b (FS_DENY) end to end against the real @modelcontextprotocol/server-filesystem: the server
 * may serve a wider directory than the manifest allows; the proxy narrows it.
 */
class FilesystemGuardIT {
  @TempDir Path dir;

  @Test
  void fileToolsAreConfinedToTheManifestsRoots() throws Exception {
    Path served = Files.createDirectories(dir.resolve("served"));
    Path allowed = Files.createDirectories(served.resolve("public"));
    Files.writeString(allowed.resolve("note.txt"), "hello from the allowed root");
    Files.writeString(served.resolve("secret.txt"), "must not leak");
    Path manifest = dir.resolve("m.json");
    Files.writeString(
        manifest,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"fs\","
            + "\"version\":\"1.0.0\",\"publisher\":\"t\",\"sandbox\":{\"required\":true},"
            + "\"permissions\":{\"tools\":[\"read_text_file\",\"write_file\"],"
            + "\"fs\":{\"read_roots\":[\""
            + allowed
            + "\"]}}}");
    String store = "sqlite:" + dir.resolve("chain.db");
    List<String> args =
        new ArrayList<>(
            List.of("--store", store, "--session", "fs", "--manifest", manifest.toString(), "--"));
    args.addAll(NodePeers.filesystemServer(List.of(served)));
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      p.send(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
      p.awaitLines(1, 60);
      p.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      p.send(read(2, allowed.resolve("note.txt")));
      JsonNode inside = json(p.awaitLines(2, 60).get(1));
      assertThat(inside.at("/result/content/0/text").asText())
          .isEqualTo("hello from the allowed root");
      p.send(read(3, served.resolve("secret.txt")));
      assertThat(reason(p.awaitLines(3, 60).get(2))).isEqualTo("FS_DENY");
      p.send(read(4, allowed.resolve("../secret.txt")));
      assertThat(reason(p.awaitLines(4, 60).get(3))).isEqualTo("FS_DENY");
      p.send(
          "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"write_file\",\"arguments\":{\"path\":\""
              + allowed.resolve("new.txt")
              + "\",\"content\":\"x\"}}}");
      // The session read a tool result, so it is tainted, and write_file is a high-risk sink:
      // rule 5 answers before rule 6b (no write roots) would.
      assertThat(reason(p.awaitLines(5, 60).get(4))).isEqualTo("TAINTED_TO_HIGH_RISK");
      p.closeStdin();
      p.waitFor(60);
      assertThat(p.stdout()).doesNotContain("must not leak");
    }
    assertThat(Files.exists(allowed.resolve("new.txt"))).isFalse();
  }

  private static String read(int id, Path path) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"read_text_file\",\"arguments\":{\"path\":\""
        + path
        + "\"}}}";
  }

  private static JsonNode json(String line) throws Exception {
    return Json.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(String line) throws Exception {
    return json(line).at("/result/structuredContent/aegis/reason").asText();
  }
}
