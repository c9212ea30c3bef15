package dev.aegis.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  @Test
  void specParsesEveryFormAndRejectsTheRest() {
    RateLimits l = RateLimits.parse("tenant=100/s, tool=20/m,tool:exec=5/h");
    assertThat(l.tenant()).isEqualTo(new RateLimits.Limit(100, Duration.ofSeconds(1)));
    assertThat(l.forTool("read")).isEqualTo(new RateLimits.Limit(20, Duration.ofMinutes(1)));
    assertThat(l.forTool("exec")).isEqualTo(new RateLimits.Limit(5, Duration.ofHours(1)));
    assertThat(l.forTool("exec").toString()).isEqualTo("5/h");
    assertThat(RateLimits.parse(" ").none()).isTrue();
    assertThat(RateLimits.parse("tool:z=1/s, tool:exec=5/h,tenant=100/s").spec())
        .isEqualTo("tenant=100/s,tool:exec=5/h,tool:z=1/s");
    assertThat(RateLimits.parse(l.spec())).isEqualTo(l);
    assertThat(RateLimits.NONE.spec()).isEmpty();
    for (String bad : new String[] {"tenant=5", "tenant=0/s", "user=1/s", "tool:=1/s", "x"}) {
      assertThatThrownBy(() -> RateLimits.parse(bad)).hasMessageStartingWith("rate-limit: ");
    }
  }

  @Test
  void aBucketLetsItsSizeThroughAtOnceThenRefillsWithTime() {
    RateLimiter r = new RateLimiter(RateLimits.parse("tool:exec=2/s"), clock);
    assertThat(r.tryAcquire("t", "exec")).isNull();
    assertThat(r.tryAcquire("t", "exec")).isNull();
    RateLimiter.Refusal no = r.tryAcquire("t", "exec");
    assertThat(no).isEqualTo(new RateLimiter.Refusal("tool", "exec", "2/s", 500));
    assertThat(r.tryAcquire("t", "read")).as("other tools are not limited").isNull();
    assertThat(r.tryAcquire("other-tenant", "exec")).as("buckets are per tenant").isNull();
    now.addAndGet(499);
    assertThat(r.tryAcquire("t", "exec")).isNotNull();
    now.addAndGet(1);
    assertThat(r.tryAcquire("t", "exec")).isNull();
  }

  @Test
  void fullBucketsArePrunedWhenThereAreManyAndEmptyOnesAreKept() {
    RateLimiter r = new RateLimiter(RateLimits.parse("tool=1/h"), clock);
    for (int i = 0; i <= RateLimiter.PRUNE_ABOVE; i++) {
      r.tryAcquire("t", "random-" + i); // each empties its own bucket
    }
    now.addAndGet(3_600_000); // an hour later all of them are full again
    assertThat(r.tryAcquire("t", "exec")).isNull(); // empties exec's bucket; prunes the rest
    assertThat(r.buckets()).isEqualTo(1);
    for (int i = 0; i <= RateLimiter.PRUNE_ABOVE; i++) {
      r.tryAcquire("t", "again-" + i);
    }
    assertThat(r.tryAcquire("t", "exec")).as("an empty bucket survives pruning").isNotNull();
  }

  @Test
  void aCallTakesFromNoBucketWhenAnyIsEmpty() {
    RateLimiter r = new RateLimiter(RateLimits.parse("tenant=2/m,tool:exec=1/m"), clock);
    assertThat(r.tryAcquire("t", "exec")).isNull();
    assertThat(r.tryAcquire("t", "exec").scope()).isEqualTo("tool");
    assertThat(r.tryAcquire("t", "read")).as("the refused exec took no tenant token").isNull();
    RateLimiter.Refusal no = r.tryAcquire("t", "read");
    assertThat(no.scope()).isEqualTo("tenant");
    assertThat(no.key()).isEqualTo("t");
    assertThat(no.retryAfterMs()).isEqualTo(30_000);
  }

  @Test
  void aRefusedCallIsSealedAsARateLimitedDenialWithoutAPolicyDecision() {
    ManualStore store = new ManualStore();
    RateLimiter limiter = new RateLimiter(RateLimits.parse("tool:echo=1/m"), clock);
    ProxySession s =
        new ProxySession(
            SessionChain.open(store, clock, "t", "", "s"),
            ScriptedGuard.always(new Decision(Outcome.ALLOW, "OK", null)),
            GuardOptions.DEFAULT,
            dev.aegis.core.approval.ApprovalSettings.withoutStore(),
            null,
            limiter);
    Frame call = Frame.of(ToolCallFlowTest.CALL.getBytes(StandardCharsets.UTF_8));
    s.onFrame(Direction.CLIENT_TO_SERVER, call);
    store.commitAll();
    int before = store.appended.size();
    Action a = s.onFrame(Direction.CLIENT_TO_SERVER, call).join();
    store.commitAll();
    assertThat(
            store.appended.subList(before, store.appended.size()).stream().map(r -> r.eventType()))
        .containsExactly("MCP_FRAME", "TOOL_CALL_PROPOSED", "TOOL_CALL_DENIED", "MCP_FRAME");
    JsonNode denied = EnvelopeHasher.parse(store.appended.get(before + 2).sealed()).payload();
    assertThat(denied.get("reason").asText()).isEqualTo("RATE_LIMITED");
    assertThat(denied.get("proposal_seq").asLong()).isEqualTo(before + 1);
    assertThat(denied.has("decision_seq")).isFalse();
    assertThat(denied.at("/rate_limit/scope").asText()).isEqualTo("tool");
    assertThat(denied.at("/rate_limit/limit").asText()).isEqualTo("1/m");
    assertThat(denied.at("/rate_limit/retry_after_ms").asLong()).isEqualTo(60_000);

    assertThat(a.type()).isEqualTo(Action.Type.REPLY);
    JsonNode r = Json.parseTrusted(new String(a.reply(), StandardCharsets.UTF_8));
    assertThat(r.at("/result/isError").asBoolean()).isTrue();
    assertThat(r.at("/result/structuredContent/aegis/reason").asText()).isEqualTo("RATE_LIMITED");
    assertThat(r.at("/result/structuredContent/aegis/retry_after_ms").asLong()).isEqualTo(60_000);
    assertThat(r.at("/result/content/0/text").asText()).contains("retry in 60000 ms");
  }
}
