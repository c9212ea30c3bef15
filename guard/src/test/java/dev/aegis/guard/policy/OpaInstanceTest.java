package dev.aegis.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OPA ABI driver on real modules: evaluations reuse the heap above the data (memory stays put
 * over many decisions), every kind of instance answers alike, and a module that is Wasm but not an
 * OPA policy is a load error.
 */
class OpaInstanceTest {
  private static final String ALLOWED =
      "{\"event\":{\"event_type\":\"TOOL_CALL_PROPOSED\",\"payload\":{\"tool_name\":\"fetch\","
          + "\"args\":{\"url\":\"https://api.example.com/v1\"}}},\"snapshot\":{},"
          + "\"manifest\":{\"permissions\":{\"tools\":[\"fetch\"],"
          + "\"net\":{\"domains\":[\"api.example.com\"]}}}}";

  @TempDir Path dir;

  @Test
  void manyEvaluationsReuseTheSameHeap() throws Exception {
    OpaInstance opa = builtIn(PolicyModule.Kind.PRECOMPILED);
    byte[] input = ALLOWED.getBytes(StandardCharsets.UTF_8);
    assertThat(decide(opa, input).reason()).isEqualTo("OK");
    int pages = opa.instance().memory().pages();
    for (int i = 0; i < 3000; i++) {
      decide(opa, input);
    }
    assertThat(decide(opa, input).reason()).isEqualTo("OK");
    assertThat(opa.instance().memory().pages()).isEqualTo(pages);
  }

  @Test
  void everyKindOfInstanceGivesTheSameResultSet() throws Exception {
    byte[] input = ALLOWED.getBytes(StandardCharsets.UTF_8);
    byte[] precompiled = builtIn(PolicyModule.Kind.PRECOMPILED).evaluate(0, input);
    assertThat(builtIn(PolicyModule.Kind.INTERPRETED).evaluate(0, input)).isEqualTo(precompiled);
    assertThat(builtIn(PolicyModule.Kind.COMPILED).evaluate(0, input)).isEqualTo(precompiled);
  }

  @Test
  void aWasmModuleThatIsNotAnOpaPolicyIsALoadError() throws Exception {
    // The smallest valid module: magic and version, no sections, so no exports at all.
    Path empty = Files.write(dir.resolve("empty.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
    assertThatThrownBy(() -> WasmPolicyEngine.load(empty))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("empty.wasm: not an OPA Wasm policy");
  }

  @Test
  void theResultSetIsJsonWithOneResult() throws Exception {
    byte[] out = builtIn(PolicyModule.Kind.PRECOMPILED).evaluate(0, "{}".getBytes());
    assertThat(Json.parse(out).size()).isEqualTo(1);
    assertThat(Json.parse(out).get(0).get("result").get("reason").asText())
        .isEqualTo("PERMISSION_UNDECLARED");
  }

  private static OpaInstance builtIn(PolicyModule.Kind kind) throws Exception {
    PolicyBundle bundle = PolicyBundle.builtIn();
    OpaInstance opa = new PolicyModule(bundle).instantiate(kind);
    assertThat(opa.entrypoints().get(WasmEngineConfig.DEFAULT_ENTRYPOINT).intValue()).isZero();
    assertThat(opa.builtins().size()).isZero();
    opa.loadData(bundle.data());
    return opa;
  }

  private static Decision decide(OpaInstance opa, byte[] input) {
    return OpaResultSet.decision(opa.evaluate(0, input), WasmEngineConfig.DEFAULT_ENTRYPOINT);
  }
}
