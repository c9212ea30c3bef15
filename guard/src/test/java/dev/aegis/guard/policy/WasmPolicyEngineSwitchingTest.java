package dev.aegis.guard.policy;

import dev.aegis.core.guard.PolicyEngine;

/**
 * The engine contract on the built-in bundle started on the interpreter and switched to Chicory's
 * run-time compiler (the default for custom bundles): the cases run across the switch.
 */
class WasmPolicyEngineSwitchingTest extends PolicyEngineContractTest {
  @Override
  protected PolicyEngine createEngine() throws Exception {
    return WasmPolicyEngine.load(
        PolicyBundle.builtIn(),
        WasmEngineConfig.defaults()
            .withExecution(WasmExecution.INTERPRETER_THEN_COMPILER)
            .withDeadline(WasmPolicyEngineTest.GENEROUS_DEADLINE));
  }
}
