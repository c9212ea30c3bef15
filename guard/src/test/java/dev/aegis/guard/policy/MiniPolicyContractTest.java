package dev.aegis.guard.policy;

import dev.aegis.core.guard.PolicyEngine;
import java.nio.file.Path;

/**
 * The engine contract over the small test policy and its own cases: proves the contract test's
 * machinery (named and inline manifests, constraints by value) independently of the real bundle.
 */
class MiniPolicyContractTest extends PolicyEngineContractTest {
  @Override
  protected PolicyEngine createEngine() throws Exception {
    return WasmPolicyEngine.load(
        TestPolicies.bundle(),
        WasmEngineConfig.defaults().withDeadline(WasmPolicyEngineTest.GENEROUS_DEADLINE));
  }

  @Override
  protected Path casesDirectory() {
    return TestPolicies.casesDirectory();
  }
}
