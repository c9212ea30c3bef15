package dev.aegis.policy.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.guard.policy.PolicyEngineContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The engine contract against a real opa-envoy-plugin sidecar serving {@code policies/aegis} and
 * the adapter {@code policies/envoy}: every decision case gets the same decision as in-process.
 */
class OpaGrpcPolicyEngineTest extends PolicyEngineContractTest {
  private OpaSidecar sidecar;

  static List<Path> bundle() {
    Path root = repositoryRoot();
    return List.of(root.resolve("policies/aegis"), root.resolve("policies/envoy"));
  }

  @Override
  protected PolicyEngine createEngine() throws Exception {
    sidecar = OpaSidecar.start(Path.of("target/opa-sidecar"), bundle());
    // The contract tests answers, not speed: a generous deadline keeps a loaded machine from
    // turning a slow answer into POLICY_ERROR (the deadline itself is tested with a slow sidecar).
    return OpaGrpcPolicyEngine.connect(
        OpaGrpcConfig.of(sidecar.target(), bundle().get(0), bundle().get(1))
            .withDeadline(java.time.Duration.ofSeconds(10)));
  }

  @AfterAll
  void stopSidecar() throws Exception {
    if (sidecar != null) {
      sidecar.close();
    }
  }

  @Test
  void digestOfTheDecideBundleAloneIsTheOneBuildRecords() throws Exception {
    Path root = repositoryRoot();
    Matcher m =
        Pattern.compile("(?m)^sources-sha256 ([0-9a-f]{64})$")
            .matcher(Files.readString(root.resolve("policies/build/SOURCES.sha256")));
    assertThat(m.find()).isTrue();
    assertThat(BundleSources.digest(List.of(root.resolve("policies/aegis")))).isEqualTo(m.group(1));
    assertThat(engine().bundleDigest()).isNotEqualTo(m.group(1)); // the adapter is served too
  }
}
