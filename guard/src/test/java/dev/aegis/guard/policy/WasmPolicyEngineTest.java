package dev.aegis.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.guard.PolicyEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The engine contract on the in-process Wasm engine with the built-in decide bundle, in the default
 * execution mode: the JVM bytecode compiled from it at build time.
 */
class WasmPolicyEngineTest extends PolicyEngineContractTest {
  /** The cases are about answers: a loaded CI machine must not turn them into POLICY_ERRORs. */
  static final Duration GENEROUS_DEADLINE = Duration.ofSeconds(30);

  @Override
  protected PolicyEngine createEngine() throws Exception {
    return WasmPolicyEngine.load(
        PolicyBundle.builtIn(), WasmEngineConfig.defaults().withDeadline(GENEROUS_DEADLINE));
  }

  @Test
  void isNamedWasm() {
    assertThat(engine().name()).isEqualTo("wasm");
  }

  @Test
  void theBuiltInBundleIsTheOneBuiltFromPolicies() throws Exception {
    Path built = repositoryRoot().resolve("policies/build/aegis-decide.wasm");
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(built));
    assertThat(engine().bundleDigest()).isEqualTo(HexFormat.of().formatHex(sha));
  }

  @Test
  void theBuiltInBundleRunsPrecompiledFromTheStart() {
    assertThat(((WasmPolicyEngine) engine()).compiledInService()).isTrue();
  }

  @Test
  void aByteIdenticalBundleFileRunsPrecompiledToo() throws Exception {
    Path built = repositoryRoot().resolve("policies/build/aegis-decide.wasm");
    try (WasmPolicyEngine same =
        WasmPolicyEngine.load(
            PolicyBundle.read(built),
            WasmEngineConfig.defaults().withExecution(WasmExecution.PRECOMPILED))) {
      assertThat(same.compiledInService()).isTrue();
      assertThat(same.bundleDigest()).isEqualTo(engine().bundleDigest());
    }
  }

  @Test
  void loadBuiltInUsesTheSameBundle() throws Exception {
    try (WasmPolicyEngine defaults = WasmPolicyEngine.loadBuiltIn()) {
      assertThat(defaults.bundleDigest()).isEqualTo(engine().bundleDigest());
    }
  }
}
