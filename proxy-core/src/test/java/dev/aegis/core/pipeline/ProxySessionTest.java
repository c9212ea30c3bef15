package dev.aegis.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ProxySessionTest {
  private final ManualStore store = new ManualStore();
  private final InstantSource clock = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L));
  private final ScriptedGuard guard =
      ScriptedGuard.always(new Decision(Outcome.DENY, "PERMISSION_UNDECLARED", null));
  private final ProxySession session =
      new ProxySession(SessionChain.open(store, clock, "t", "", "s"), guard, GuardOptions.DEFAULT);

  private static Frame frame(String json) {
    return Frame.of(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void requestIsForwardedOnlyOnceItsEventIsDurable() {
    CompletableFuture<Action> a =
        session.onFrame(
            Direction.CLIENT_TO_SERVER,
            frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    assertThat(store.appended).hasSize(1);
    assertThat(a).isNotDone();
    store.commitAll();
    assertThat(a.join().type()).isEqualTo(Action.Type.FORWARD);
  }

  @Test
  void notificationsAndResponsesAreSealedButNotHeldBack() {
    CompletableFuture<Action> n =
        session.onFrame(
            Direction.CLIENT_TO_SERVER,
            frame("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
    CompletableFuture<Action> r =
        session.onFrame(
            Direction.SERVER_TO_CLIENT, frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
    assertThat(n.join().type()).isEqualTo(Action.Type.FORWARD);
    assertThat(r.join().type()).isEqualTo(Action.Type.FORWARD);
    assertThat(store.appended).hasSize(2);
    assertThat(session.sealedFrames(Direction.CLIENT_TO_SERVER)).isEqualTo(1);
    assertThat(session.sealedFrames(Direction.SERVER_TO_CLIENT)).isEqualTo(1);
  }

  @Test
  void failedCommitRefusesTheRequestAndEveryLaterOne() {
    CompletableFuture<Action> a =
        session.onFrame(
            Direction.CLIENT_TO_SERVER,
            frame("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"resources/read\"}"));
    store
        .commits
        .get(0)
        .completeExceptionally(
            new ChainStoreException(ChainStoreException.Reason.STORE_UNAVAILABLE, "disk full"));
    Action refused = a.join();
    assertThat(refused.type()).isEqualTo(Action.Type.REPLY);
    assertThat(refused.replyDirection()).isEqualTo(Direction.SERVER_TO_CLIENT);
    var reply = Json.parseTrusted(new String(refused.reply(), StandardCharsets.UTF_8));
    assertThat(reply.get("id").asText()).isEqualTo("a");
    assertThat(reply.at("/error/data/reason").asText()).isEqualTo("STORE_UNAVAILABLE");
    assertThat(reply.at("/error/data/source").asText()).isEqualTo("aegis");

    Action later =
        session
            .onFrame(
                Direction.CLIENT_TO_SERVER,
                frame("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}"))
            .join();
    assertThat(later.type()).isEqualTo(Action.Type.REPLY);
    Action note =
        session
            .onFrame(Direction.SERVER_TO_CLIENT, frame("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}"))
            .join();
    assertThat(note.type()).isEqualTo(Action.Type.FORWARD);
    assertThat(session.unsealedFrames()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void conflictIsReportedAsSuch() {
    CompletableFuture<Action> a =
        session.onFrame(
            Direction.CLIENT_TO_SERVER,
            frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    store
        .commits
        .get(0)
        .completeExceptionally(
            new ChainStoreException(ChainStoreException.Reason.CHAIN_CONFLICT, "seq 0 exists"));
    String reply = new String(a.join().reply(), StandardCharsets.UTF_8);
    assertThat(reply).contains("\"reason\":\"CHAIN_CONFLICT\"").contains("\"side\":\"proxy\"");
  }

  @Test
  void serverResponsesClearInFlightRequestsAndTheRestGetUpstreamClosed() {
    session.onFrame(
        Direction.CLIENT_TO_SERVER, frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}"));
    session.onFrame(
        Direction.CLIENT_TO_SERVER, frame("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"b\"}"));
    store.commitAll();
    session.onFrame(
        Direction.SERVER_TO_CLIENT, frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
    var replies = session.upstreamClosed("exit code 3");
    assertThat(replies).hasSize(1);
    assertThat(new String(replies.get(0), StandardCharsets.UTF_8))
        .startsWith("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"error\":{\"code\":-32603,")
        .contains("UPSTREAM_CLOSED");
  }

  @Test
  void everySealedFrameLinksAndCommitsToItsExactBytes() {
    String json = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"x\":\"é\"}";
    session.onFrame(Direction.CLIENT_TO_SERVER, frame(json));
    session.onFrame(
        Direction.SERVER_TO_CLIENT, frame("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}"));
    var first = store.appended.get(0);
    var payload = EnvelopeHasher.parse(first.sealed()).payload();
    assertThat(first.body()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    assertThat(payload.get("id").asText()).isEqualTo("7");
    assertThat(payload.get("method").asText()).isEqualTo("ping");
    assertThat(payload.get("kind").asText()).isEqualTo("request");
    assertThat(store.appended.get(1).prevHash()).isEqualTo(first.hash());
  }

  @Test
  void errorFrameBytesArePinned() {
    byte[] b = ErrorFrames.encode(null, ProxyError.PARSE_ERROR, "invalid JSON", null);
    assertThat(new String(b, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":"
                + "\"invalid JSON\",\"data\":{\"source\":\"aegis\",\"reason\":\"PARSE_ERROR\","
                + "\"side\":\"client\"}}}");
  }
}
