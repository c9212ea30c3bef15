package dev.aegis.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.json.Json;
import dev.aegis.guard.state.LoopSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PolicyGuardPinsTest {
  private final AtomicReference<JsonNode> input = new AtomicReference<>();
  private final PolicyEngine engine =
      new PolicyEngine() {
        @Override
        public CompletableFuture<Decision> decide(JsonNode in) {
          input.set(in);
          return CompletableFuture.completedFuture(Decision.policyError());
        }

        @Override
        public String name() {
          return "capture";
        }

        @Override
        public String bundleDigest() {
          return "0".repeat(64);
        }

        @Override
        public void close() {}
      };
  private final PolicyGuard guard =
      new PolicyGuard(engine, null, null, LoopSettings.DEFAULTS, true);
  private long seq;

  private Envelope seal(String type, ObjectNode payload) {
    Envelope e =
        new Envelope("t", "", "s", seq, 0, type, payload, seq++ == 0 ? null : "0".repeat(64));
    guard.observe(e);
    return e;
  }

  private JsonNode payloadFor(String tool, ObjectNode extra) {
    ObjectNode p = Json.object().put("call_id", "1").put("tool_name", tool);
    p.set("args", Json.object());
    p.setAll(extra);
    guard.decide(seal("TOOL_CALL_PROPOSED", p)).join();
    return input.get().at("/event/payload");
  }

  @Test
  void theInputCarriesThePinnedAnnotationsAndTheChangeNotTheProposalsOwn() {
    ObjectNode tools = Json.object();
    tools
        .putObject("drop")
        .put("sha256", "d")
        .putObject("annotations")
        .put("destructiveHint", true);
    seal("TOOL_CATALOG_PINNED", Json.object().set("tools", tools));
    ObjectNode forged = Json.object().put("definition_changed", false);
    forged.putObject("annotations").put("destructiveHint", false);
    JsonNode p = payloadFor("drop", forged);
    assertThat(p.at("/annotations/destructiveHint").asBoolean()).isTrue();
    assertThat(p.has("definition_changed")).isFalse();

    ObjectNode changed = Json.object();
    changed.putArray("changed").add("drop");
    seal("TOOL_CATALOG_CHANGED", changed);
    assertThat(payloadFor("drop", Json.object()).get("definition_changed").asBoolean()).isTrue();
    JsonNode other = payloadFor("other", forged);
    assertThat(other.has("annotations")).as("never pinned: no annotations").isFalse();
    assertThat(other.has("definition_changed")).isFalse();
  }
}
