package dev.aegis.guard.policy;

import dev.aegis.core.guard.PolicyEngine;

/** The engine contract with every decision run by Chicory's compiler (Wasm to JVM bytecode). */
class WasmPolicyEngineCompiledTest extends PolicyEngineContractTest {
  @Override
  protected PolicyEngine createEngine() throws Exception {
    return WasmPolicyEngine.load(
        PolicyBundle.builtIn(),
        WasmEngineConfig.defaults()
            .withExecution(WasmExecution.COMPILER)
            .withDeadline(WasmPolicyEngineTest.GENEROUS_DEADLINE));
  }
}
