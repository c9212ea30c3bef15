package dev.aegis.guard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link PolicyEngine} meets, extended by each engine's test (in-process Wasm,
 * OPA sidecar): every decision case under {@code conformance/cases/decide/*.yaml} gets the decision
 * it wants — outcome, reason and, where the case gives them, constraints — and the engine behaves
 * (digest, concurrency, odd inputs). Published in guard's test-jar.
 *
 * <p>The repository root is the {@code aegis.root} system property (surefire sets it), else the
 * nearest ancestor of the working directory holding {@code mvnw}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PolicyEngineContractTest {
  /** Generous: a case is about the answer, not the speed (bench/ measures that). */
  private static final long DECISION_TIMEOUT_S = 30;

  private static final int MAX_IN_FLIGHT = 32;

  private PolicyEngine engine;

  /** Creates the engine under test, loaded with the decide bundle; called once per class. */
  protected abstract PolicyEngine createEngine() throws Exception;

  /** The directory of decision cases; by default {@code conformance/cases/decide}. */
  protected Path casesDirectory() {
    return repositoryRoot().resolve("conformance/cases/decide");
  }

  /** The engine under test. */
  protected final PolicyEngine engine() {
    return engine;
  }

  @BeforeAll
  final void startEngine() throws Exception {
    engine = createEngine();
  }

  @AfterAll
  final void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  @TestFactory
  Stream<DynamicContainer> decisionCases() throws Exception {
    Map<String, List<DynamicTest>> byFile = new LinkedHashMap<>();
    for (DecisionCase c : cases()) {
      byFile
          .computeIfAbsent(c.file(), f -> new ArrayList<>())
          .add(DynamicTest.dynamicTest(c.displayName(), () -> check(c)));
    }
    return byFile.entrySet().stream()
        .map(e -> DynamicContainer.dynamicContainer(e.getKey(), e.getValue()));
  }

  @Test
  void bundleDigestIsSha256Hex() {
    assertThat(engine.bundleDigest()).matches("[0-9a-f]{64}");
  }

  @Test
  void nameIsShort() {
    assertThat(engine.name()).matches("[a-z][a-z0-9-]{1,31}");
  }

  @Test
  void concurrentDecisionsGetTheSameAnswers() throws Exception {
    List<DecisionCase> cases = cases();
    for (int round = 0; round < 10; round++) {
      // Many decisions in flight at once, but not so many that an engine may shed load.
      List<CompletableFuture<Decision>> futures = new ArrayList<>();
      int from = round * MAX_IN_FLIGHT % cases.size();
      List<DecisionCase> batch = cases.subList(from, Math.min(cases.size(), from + MAX_IN_FLIGHT));
      for (DecisionCase c : batch) {
        futures.add(engine.decide(c.input()));
      }
      for (int i = 0; i < futures.size(); i++) {
        DecisionCase c = batch.get(i);
        Decision got = futures.get(i).get(DECISION_TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(c.mismatch(got)).as(c.displayName()).isNull();
      }
    }
  }

  @Test
  void oddInputsGetADecisionNotAFailure() throws Exception {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ArrayNode list = f.arrayNode().add(1);
    for (JsonNode input :
        List.of(Json.object(), list, f.textNode("tools/call"), f.nullNode(), f.numberNode(7))) {
      CompletableFuture<Decision> decision = engine.decide(input);
      Decision got = decision.get(DECISION_TIMEOUT_S, TimeUnit.SECONDS);
      assertThat(decision).isCompletedWithValue(got);
      assertThat(got.outcome()).as("input %s", input).isNotNull();
    }
  }

  private List<DecisionCase> cases() throws Exception {
    Path dir = casesDirectory();
    if (!Files.isDirectory(dir)) {
      fail("no decision cases: " + dir + " is not a directory");
    }
    List<DecisionCase> cases = DecisionCase.readDirectory(dir);
    if (cases.isEmpty()) {
      fail("no decision cases in " + dir);
    }
    return cases;
  }

  private void check(DecisionCase c) throws Exception {
    Decision got = engine.decide(c.input()).get(DECISION_TIMEOUT_S, TimeUnit.SECONDS);
    String mismatch = c.mismatch(got);
    if (mismatch != null) {
      fail(c.file() + " " + c.id() + ": " + mismatch + "; got " + got.toJson());
    }
  }

  /** The repository root: {@code -Daegis.root}, else the nearest ancestor holding mvnw. */
  protected static Path repositoryRoot() {
    String configured = System.getProperty("aegis.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no mvnw above " + start + " and -Daegis.root is unset");
  }
}
