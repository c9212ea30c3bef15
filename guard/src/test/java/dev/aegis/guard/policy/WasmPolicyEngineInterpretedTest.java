package dev.aegis.guard.policy;

import dev.aegis.core.guard.PolicyEngine;

/** The engine contract with every decision run by Chicory's interpreter. */
class WasmPolicyEngineInterpretedTest extends PolicyEngineContractTest {
  @Override
  protected PolicyEngine createEngine() throws Exception {
    return WasmPolicyEngine.load(
        PolicyBundle.builtIn(),
        WasmEngineConfig.defaults()
            .withExecution(WasmExecution.INTERPRETER)
            .withDeadline(WasmPolicyEngineTest.GENEROUS_DEADLINE));
  }
}
