package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import dev.aegis.policy.grpc.OpaSidecar;
import dev.aegis.testsupport.ScriptedPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * aegis-proxy deciding through the real opa-envoy-plugin sidecar (ext_authz v3 over gRPC) with the
 * same bundle, and failing closed when the sidecar goes away.
 */
class SidecarIT {
  @TempDir Path dir;

  @Test
  void decisionsComeFromTheSidecarAndAStoppedSidecarFailsClosed() throws Exception {
    Path manifest = dir.resolve("m.json");
    Files.writeString(
        manifest,
        "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"t\","
            + "\"version\":\"1.0.0\",\"publisher\":\"t\",\"permissions\":{\"tools\":[\"echo\"]}}");
    String store = "sqlite:" + dir.resolve("chain.db");
    OpaSidecar sidecar =
        OpaSidecar.start(
            dir.resolve("opa"),
            List.of(
                ProxyProcess.ROOT.resolve("policies/aegis"),
                ProxyProcess.ROOT.resolve("policies/envoy")));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                store,
                "--session",
                "sidecar",
                "--manifest",
                manifest.toString(),
                "--policy-engine",
                "opa-grpc",
                "--opa-addr",
                sidecar.target(),
                "--opa-deadline",
                "2s",
                "--"));
    args.addAll(ProxyProcess.javaMain(ScriptedPeer.class, "--reply"));
    try (ProxyProcess p = ProxyProcess.start("aegis-proxy", args)) {
      p.send(call(1, "echo"));
      assertThat(json(p.awaitLines(1, 30).get(0)).at("/result/echo").asText())
          .isEqualTo("tools/call");
      p.send(call(2, "rm"));
      assertThat(reason(p.awaitLines(2, 30).get(1))).isEqualTo("PERMISSION_UNDECLARED");
      sidecar.close();
      p.send(call(3, "echo"));
      assertThat(reason(p.awaitLines(3, 30).get(2))).isEqualTo("POLICY_ERROR");
      p.closeStdin();
      assertThat(p.waitFor(30)).isZero();
    } finally {
      sidecar.close();
    }
    assertThat(Chains.read(store, "default", "sidecar"))
        .filteredOn(e -> e.type().equals("POLICY_DECISION"))
        .extracting(e -> e.field("engine"))
        .containsOnly("opa-grpc");
    assertThat(Chains.verify(store, "default", "sidecar").valid()).isTrue();
  }

  private static String call(int id, String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":{}}}";
  }

  private static JsonNode json(String line) throws Exception {
    return Json.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  private static String reason(String line) throws Exception {
    return json(line).at("/result/structuredContent/aegis/reason").asText();
  }
}
