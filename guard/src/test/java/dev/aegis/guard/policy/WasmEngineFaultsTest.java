package dev.aegis.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Wasm engine fails closed: malformed output, slowness, overload and closing all deny. */
class WasmEngineFaultsTest {
  private final List<WasmPolicyEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(WasmPolicyEngine::close);
  }

  @Test
  void outputThatIsNotADecisionIsAPolicyError() throws Exception {
    assertThat(decide(engine("faults/garbage"), Json.object())).isEqualTo(Decision.policyError());
  }

  @Test
  void anUndefinedEntrypointIsAPolicyError() throws Exception {
    assertThat(decide(engine("faults/undefined"), Json.object())).isEqualTo(Decision.policyError());
  }

  @Test
  void aDecisionPastTheDeadlineIsAPolicyErrorAndTheEngineRecovers() throws Exception {
    WasmPolicyEngine engine =
        track(
            WasmPolicyEngine.load(
                TestPolicies.bundle(),
                config("faults/slow").withDeadline(Duration.ofMillis(300)).withInstances(1)));
    ObjectNode spin = Json.object().put("spin", true);

    CompletableFuture<Decision> slow = engine.decide(spin);
    assertThat(slow).as("decide must not block the caller").isNotDone();
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo(Decision.policyError());

    // The interrupted instance was discarded and replaced: the next decision is a real one.
    Decision next = decide(engine, Json.object());
    assertThat(next.outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(next.reason()).isEqualTo("FINISHED");
    assertThat(next.constraints().get("spun").asInt()).isZero();
  }

  @Test
  void nonAsciiTextSurvivesTheTripThroughWasm() throws Exception {
    String reason = "héllo ✓ 𝄞 \u0000 \"quoted\"";
    Decision got = decide(engine("faults/echo"), Json.object().put("reason", reason));
    assertThat(got.reason()).isEqualTo(reason);
  }

  @Test
  void largeInputsAreDecided() throws Exception {
    WasmPolicyEngine engine = engine("faults/echo");
    for (int size : new int[] {1 << 10, 70_000, 1 << 20, 8 << 20}) {
      String reason = "R".repeat(size);
      Decision got = decide(engine, Json.object().put("reason", reason));
      assertThat(got.reason()).as("size %d", size).isEqualTo(reason);
    }
  }

  @Test
  void anInputBeyondTheMemoryCapFailsClosedAndTheEngineRecovers() throws Exception {
    WasmPolicyEngine engine = engine("faults/echo");
    String huge = "R".repeat(WasmInstances.MAX_MEMORY_PAGES * 65536);
    assertThat(decide(engine, Json.object().put("reason", huge))).isEqualTo(Decision.policyError());
    assertThat(decide(engine, Json.object().put("reason", "AFTER")).reason()).isEqualTo("AFTER");
  }

  @Test
  void theBundlesDataDocumentIsLoaded() throws Exception {
    assertThat(decide(engine("faults/greeting"), Json.object()).reason())
        .isEqualTo("hello from data.json");
  }

  @Test
  void theWasmAloneHasNoDataAndADifferentDigest() throws Exception {
    PolicyBundle wasmOnly = PolicyBundle.of(TestPolicies.wasm(), "policy.wasm");
    WasmPolicyEngine engine = track(WasmPolicyEngine.load(wasmOnly, config("faults/greeting")));
    assertThat(decide(engine, Json.object())).isEqualTo(Decision.policyError());
    assertThat(engine.bundleDigest()).isNotEqualTo(TestPolicies.bundle().digest());
  }

  @Test
  void aDecisionAskedForWhileLoadingWaitsForTheEngine() throws Exception {
    WasmPolicyEngine engine =
        track(WasmPolicyEngine.start(TestPolicies.bundle(), config("faults/echo")));
    CompletableFuture<Decision> early = engine.decide(Json.object().put("reason", "EARLY"));
    assertThat(early.get(10, TimeUnit.SECONDS).reason()).isEqualTo("EARLY");
  }

  @Test
  void anEngineThatFailsToLoadDeniesEverything() throws Exception {
    WasmPolicyEngine engine =
        track(WasmPolicyEngine.start(TestPolicies.bundle(), config("no/such/entrypoint")));
    assertThat(decide(engine, Json.object())).isEqualTo(Decision.policyError());
    assertThat(engine.ready()).failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void aClosedEngineDeniesPendingAndLaterDecisions() throws Exception {
    WasmPolicyEngine engine =
        track(
            WasmPolicyEngine.load(
                TestPolicies.bundle(),
                config("faults/slow").withDeadline(Duration.ofMinutes(1)).withInstances(1)));
    CompletableFuture<Decision> running = engine.decide(Json.object().put("spin", true));
    CompletableFuture<Decision> queued = engine.decide(Json.object());
    engine.close();
    assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(Decision.policyError());
    assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(Decision.policyError());
    assertThat(engine.decide(Json.object())).isCompletedWithValue(Decision.policyError());
  }

  @Test
  void decisionsBeyondTheQueueFailClosedAtOnce() throws Exception {
    WasmPolicyEngine engine =
        track(
            WasmPolicyEngine.load(
                TestPolicies.bundle(),
                config("faults/slow").withDeadline(Duration.ofMinutes(1)).withInstances(1)));
    List<CompletableFuture<Decision>> all = new ArrayList<>();
    all.add(engine.decide(Json.object().put("spin", true)));
    for (int i = 0; i < WasmPolicyEngine.QUEUE_CAPACITY; i++) {
      all.add(engine.decide(Json.object()));
    }
    CompletableFuture<Decision> shed = engine.decide(Json.object());
    assertThat(shed).isCompletedWithValue(Decision.policyError());
    engine.close();
    for (CompletableFuture<Decision> f : all) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(Decision.policyError());
    }
  }

  @Test
  void everyExecutionModeGivesTheSameAnswers() throws Exception {
    List<DecisionCase> cases = DecisionCase.readDirectory(TestPolicies.casesDirectory());
    for (WasmExecution mode : WasmExecution.values()) {
      if (mode == WasmExecution.PRECOMPILED) {
        continue; // only the built-in bundle has build-time compiled code: see below
      }
      WasmPolicyEngine engine =
          track(
              WasmPolicyEngine.load(
                  TestPolicies.bundle(), WasmEngineConfig.defaults().withExecution(mode)));
      for (DecisionCase c : cases) {
        assertThat(c.mismatch(decide(engine, c.input()))).as(mode + " " + c.id()).isNull();
      }
    }
  }

  @Test
  void precompiledExecutionRefusesABundleOtherThanTheBuiltInOne() {
    assertThatThrownBy(
            () ->
                WasmPolicyEngine.load(
                    TestPolicies.bundle(),
                    WasmEngineConfig.defaults().withExecution(WasmExecution.PRECOMPILED)))
        .isInstanceOf(PolicyLoadException.class)
        .hasMessageContaining("no build-time compiled code for this bundle");
  }

  @Test
  void aPolicyCallingAHostBuiltInIsDecidedInEveryMode() throws Exception {
    PolicyBundle needsHost = PolicyBundle.of(TestPolicies.resource("needs-host.tar.gz"), "nh");
    for (WasmExecution mode :
        List.of(
            WasmExecution.AUTO,
            WasmExecution.INTERPRETER,
            WasmExecution.COMPILER,
            WasmExecution.INTERPRETER_THEN_COMPILER)) {
      WasmPolicyEngine engine =
          track(WasmPolicyEngine.load(needsHost, WasmEngineConfig.defaults().withExecution(mode)));
      ObjectNode input = Json.object();
      input.putArray("items").add(1).add(2).add(3);
      assertThat(decide(engine, input).reason()).as(mode.name()).isEqualTo("ITEMS_3");
    }
  }

  @Test
  void theDefaultSwitchesToCompiledInstances() throws Exception {
    WasmPolicyEngine engine =
        track(WasmPolicyEngine.load(TestPolicies.bundle(), WasmEngineConfig.defaults()));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!engine.compiledInService() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(engine.compiledInService()).isTrue();
    assertThat(
            decide(engine, DecisionCase.readDirectory(TestPolicies.casesDirectory()).get(2).input())
                .outcome())
        .isEqualTo(Outcome.ALLOW);
  }

  private WasmPolicyEngine engine(String entrypoint) throws PolicyLoadException {
    return track(WasmPolicyEngine.load(TestPolicies.bundle(), config(entrypoint)));
  }

  /** A generous deadline: these tests are about outcomes, not speed, on a loaded 2-core box. */
  private static WasmEngineConfig config(String entrypoint) {
    return WasmEngineConfig.defaults()
        .withEntrypoint(entrypoint)
        .withDeadline(Duration.ofSeconds(60));
  }

  private WasmPolicyEngine track(WasmPolicyEngine engine) {
    engines.add(engine);
    return engine;
  }

  private static Decision decide(
      WasmPolicyEngine engine, com.fasterxml.jackson.databind.JsonNode in) throws Exception {
    return engine.decide(in).get(30, TimeUnit.SECONDS);
  }
}
