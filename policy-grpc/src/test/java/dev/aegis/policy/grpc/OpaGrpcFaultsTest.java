package dev.aegis.policy.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.Outcome;
import dev.aegis.core.json.Json;
import dev.aegis.policy.grpc.proto.auth.CheckRequest;
import dev.aegis.policy.grpc.proto.auth.CheckResponse;
import dev.aegis.policy.grpc.proto.auth.DeniedHttpResponse;
import dev.aegis.policy.grpc.proto.auth.OkHttpResponse;
import dev.aegis.policy.grpc.proto.core.HeaderValue;
import dev.aegis.policy.grpc.proto.core.HeaderValueOption;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every way the sidecar can fail gives a POLICY_ERROR deny: a real sidecar stopped (connection
 * refused), and faults a real peer cannot produce on cue, from a fake Authorization server: a stall
 * past the deadline, bytes that are not a CheckResponse, answers without a usable decision.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpaGrpcFaultsTest {
  private static final JsonNode INPUT = Json.parseTrusted("{\"event\":{\"event_type\":\"X\"}}");

  /** What the fake server does with one call: answer (bytes) or not. */
  private final AtomicReference<Consumer<io.grpc.stub.StreamObserver<byte[]>>> behaviour =
      new AtomicReference<>();

  private Server fake;
  private OpaGrpcPolicyEngine engine;

  @BeforeAll
  void startFake() throws Exception {
    MethodDescriptor<CheckRequest, byte[]> check =
        Authorization.CHECK.toBuilder(
                ProtoUtils.marshaller(CheckRequest.getDefaultInstance()), new RawBytes())
            .build();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(Authorization.SERVICE)
            .addMethod(check, ServerCalls.asyncUnaryCall((req, out) -> behaviour.get().accept(out)))
            .build();
    fake =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(service)
            .build()
            .start();
    engine =
        OpaGrpcPolicyEngine.connect(
            OpaGrpcConfig.of("127.0.0.1:" + fake.getPort(), OpaGrpcPolicyEngineTest.bundle().get(0))
                .withDeadline(Duration.ofMillis(250)));
  }

  @AfterAll
  void stopFake() throws Exception {
    engine.close();
    fake.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void wellFormedAnswerIsTheDecision() throws Exception {
    answer(ok("{\"outcome\":\"allow\",\"reason\":\"OK\",\"constraints\":{\"timeout_ms\":5}}"));
    Decision d = decide(engine);
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(d.constraints().get("timeout_ms").asInt()).isEqualTo(5);
  }

  @Test
  void stallPastTheDeadlineFailsClosed() throws Exception {
    behaviour.set(out -> {}); // never answers
    assertThat(decide(engine)).isEqualTo(Decision.policyError());
  }

  @Test
  void bytesThatAreNotACheckResponseFailClosed() throws Exception {
    behaviour.set(
        out -> {
          out.onNext(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
          out.onCompleted();
        });
    assertThat(decide(engine)).isEqualTo(Decision.policyError());
  }

  @Test
  void answersWithoutAUsableDecisionFailClosed() throws Exception {
    List<CheckResponse> answers =
        List.of(
            CheckResponse.getDefaultInstance(),
            ok("not json"),
            ok("{\"outcome\":\"allow\"}"),
            ok("{\"outcome\":\"maybe\",\"reason\":\"OK\"}"),
            ok("{\"outcome\":\"allow\",\"reason\":\"OK\"}").toBuilder()
                .setOkResponse(
                    OkHttpResponse.newBuilder()
                        .addHeaders(header("{\"outcome\":\"allow\",\"reason\":\"OK\"}"))
                        .addHeaders(header("{\"outcome\":\"deny\",\"reason\":\"X\"}")))
                .build(),
            CheckResponse.newBuilder()
                .setStatus(dev.aegis.policy.grpc.proto.rpc.Status.newBuilder().setCode(7))
                .setDeniedResponse(DeniedHttpResponse.newBuilder().setBody("denied"))
                .build(),
            ok("{\"outcome\":\"allow\",\"reason\":\"OK\"}").toBuilder()
                .setStatus(dev.aegis.policy.grpc.proto.rpc.Status.newBuilder().setCode(7))
                .build());
    for (CheckResponse a : answers) {
      answer(a);
      assertThat(decide(engine)).as("%s", a).isEqualTo(Decision.policyError());
    }
  }

  @Test
  void grpcErrorFailsClosed() throws Exception {
    behaviour.set(out -> out.onError(io.grpc.Status.INTERNAL.asRuntimeException()));
    assertThat(decide(engine)).isEqualTo(Decision.policyError());
  }

  @Test
  void stoppedSidecarFailsClosed() throws Exception {
    List<Path> bundle = OpaGrpcPolicyEngineTest.bundle();
    OpaSidecar sidecar = OpaSidecar.start(Path.of("target/opa-sidecar-stopped"), bundle);
    try (OpaGrpcPolicyEngine real =
        OpaGrpcPolicyEngine.connect(
            new OpaGrpcConfig(sidecar.target(), Duration.ofSeconds(5), bundle))) {
      assertThat(decide(real).reason()).isEqualTo("OK"); // not a proposal: allowed
      sidecar.close();
      assertThat(decide(real)).isEqualTo(Decision.policyError());
    } finally {
      sidecar.close();
    }
  }

  @Test
  void closedEngineFailsClosed() throws Exception {
    OpaGrpcPolicyEngine closed =
        OpaGrpcPolicyEngine.connect(
            OpaGrpcConfig.of(
                "127.0.0.1:" + fake.getPort(), OpaGrpcPolicyEngineTest.bundle().get(0)));
    closed.close();
    assertThat(decide(closed)).isEqualTo(Decision.policyError());
  }

  private static Decision decide(OpaGrpcPolicyEngine e) throws Exception {
    return e.decide(INPUT).get(10, TimeUnit.SECONDS);
  }

  private void answer(CheckResponse response) {
    byte[] bytes = response.toByteArray();
    behaviour.set(
        out -> {
          out.onNext(bytes);
          out.onCompleted();
        });
  }

  private static CheckResponse ok(String decision) {
    return CheckResponse.newBuilder()
        .setOkResponse(OkHttpResponse.newBuilder().addHeaders(header(decision)))
        .build();
  }

  private static HeaderValueOption header(String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(ExtAuthzCodec.DECISION_HEADER).setValue(value))
        .build();
  }

  /** Sends whatever bytes a test gives, valid protobuf or not. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      throw new UnsupportedOperationException("the fake only sends");
    }
  }
}
