package dev.aegis.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.approval.ApprovalSettings;
import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.approval.ApprovalStatus;
import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call held for an operator: other frames pass meanwhile, and an approval that arrives after the
 * server went away answers the client with UPSTREAM_CLOSED instead of writing to a dead server. The
 * approvals table is an in-memory map here (the JDBC one has its own contract tests).
 */
class HeldCallTest {
  private final ManualStore chainStore = new ManualStore();
  private final MemoryApprovals approvals = new MemoryApprovals();

  /** Holds one request per token; decide/consume as the JDBC store does. */
  private static final class MemoryApprovals implements ApprovalStore {
    final Map<String, ApprovalRecord> rows = new ConcurrentHashMap<>();

    @Override
    public void create(ApprovalRecord r) {
      rows.put(r.token(), r);
    }

    @Override
    public Optional<ApprovalRecord> find(String token) {
      return Optional.ofNullable(rows.get(token));
    }

    @Override
    public synchronized Decided decide(
        String token, boolean approve, JsonNode edited, String by, String message, long now) {
      ApprovalRecord r = rows.get(token);
      ApprovalRecord d = r.decided(approve, edited, by, message, now);
      rows.put(token, d);
      return new Decided(Outcome.DECIDED, d);
    }

    @Override
    public synchronized boolean consume(String token, long now) {
      return rows.get(token).status() == ApprovalStatus.APPROVED;
    }

    @Override
    public List<ApprovalRecord> list(String tenant, boolean pendingOnly, long now, int limit) {
      return new ArrayList<>(rows.values());
    }
  }

  private final LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
  private final Frame call = Frame.of(ToolCallFlowTest.CALL.getBytes(StandardCharsets.UTF_8));

  /** A session whose every call needs an approval, held up to 30 s, writing into {@link #out}. */
  private ProxySession heldSession() {
    ApprovalSettings settings =
        new ApprovalSettings(
            approvals,
            new ApprovalSigner(ApprovalSigner.newKey()),
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            Duration.ofMillis(20),
            InstantSource.system());
    ProxySession s =
        new ProxySession(
            SessionChain.open(chainStore, InstantSource.system(), "t", "", "s"),
            ScriptedGuard.always(new Decision(Outcome.REQUIRE_APPROVAL, "APPROVAL_REQUIRED", null)),
            GuardOptions.DEFAULT,
            settings,
            null);
    s.attachOutput((d, b) -> out.add(d + " " + new String(b, StandardCharsets.UTF_8)));
    chainStore.autoCommit();
    return s;
  }

  /** Waits until the held call's approval request is stored; returns its token. */
  private String pendingToken() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (approvals.rows.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return approvals.rows.keySet().iterator().next();
  }

  @Test
  void anApprovalAfterTheServerClosedAnswersTheClientWithUpstreamClosed() throws Exception {
    ProxySession s = heldSession();
    assertThat(s.onFrame(Direction.CLIENT_TO_SERVER, call).get(10, TimeUnit.SECONDS).type())
        .isEqualTo(Action.Type.CONSUMED);
    Frame ping = Frame.of("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}".getBytes());
    assertThat(s.onFrame(Direction.CLIENT_TO_SERVER, ping).get(10, TimeUnit.SECONDS).type())
        .as("other requests are not held behind the call")
        .isEqualTo(Action.Type.FORWARD);
    String token = pendingToken();
    s.upstreamClosed("server exited");
    approvals.decide(token, true, null, "op", null, System.currentTimeMillis());
    String delivered = out.poll(10, TimeUnit.SECONDS);
    assertThat(delivered).startsWith(Direction.SERVER_TO_CLIENT + " ");
    JsonNode frame = Json.parse(delivered.substring(delivered.indexOf(' ') + 1).getBytes());
    assertThat(frame.at("/error/data/reason").asText()).isEqualTo("UPSTREAM_CLOSED");
    assertThat(out.poll(200, TimeUnit.MILLISECONDS)).as("nothing written to the server").isNull();
  }

  @Test
  void anAbandonedHeldCallIsNotRunWhenApprovedLater() throws Exception {
    ProxySession s = heldSession();
    s.onFrame(Direction.CLIENT_TO_SERVER, call).get(10, TimeUnit.SECONDS);
    String token = pendingToken();
    s.abandon(call.id());
    approvals.decide(token, true, null, "op", null, 0);
    List<String> types = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!types.contains("TOOL_CALL_DENIED") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      synchronized (chainStore) {
        types = chainStore.appended.stream().map(r -> r.eventType()).toList();
      }
    }
    assertThat(types)
        .contains("APPROVAL_DECIDED", "TOOL_CALL_DENIED")
        .doesNotContain("TOOL_CALL_EXECUTED");
    assertThat(out.poll(200, TimeUnit.MILLISECONDS)).as("nothing sent anywhere").isNull();
  }
}
