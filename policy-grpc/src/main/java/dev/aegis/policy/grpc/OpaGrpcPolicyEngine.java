package dev.aegis.policy.grpc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.json.Json;
import dev.aegis.policy.grpc.proto.auth.CheckRequest;
import dev.aegis.policy.grpc.proto.auth.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OPA sidecar engine: asks an opa-envoy-plugin sidecar for each decision through Envoy's
 * ext_authz v3 {@code Authorization/Check} over plaintext gRPC (loopback or a pod-local sidecar).
 * The sidecar serves the decide bundle plus the adapter module {@code policies/envoy}, with its
 * {@code path} set to {@code aegis/envoy/result}.
 *
 * <p>Fails closed: a gRPC error (sidecar down, connection refused), the deadline passing, a denied
 * or empty answer and an answer without a well-formed decision all give {@link
 * Decision#policyError()}.
 *
 * <p>Threading: every method may be called from any thread; {@link #decide} never blocks and its
 * future never fails. Dependent actions attached to that future without an executor run on a gRPC
 * callback thread: attach anything slow with an async variant.
 */
public final class OpaGrpcPolicyEngine implements PolicyEngine {
  private static final System.Logger LOG = System.getLogger(OpaGrpcPolicyEngine.class.getName());

  /** Warm-up Checks sent by {@link #connect}, one after the other. */
  static final int WARM_UP_CALLS = 1;

  /** Beyond 30 days grpc-java turns idle mode off. */
  private static final long IDLE_TIMEOUT_DAYS = 31;

  /** The warm-up input: a non-proposal, which the decide bundle allows at once. */
  private static final CheckRequest WARM_UP =
      ExtAuthzCodec.encode(Json.object().set("event", Json.object().put("event_type", "WARM_UP")));

  private final OpaGrpcConfig config;
  private final String digest;
  private final ManagedChannel channel;
  private final AtomicLong failures = new AtomicLong();

  private OpaGrpcPolicyEngine(OpaGrpcConfig config, String digest, ManagedChannel channel) {
    this.config = config;
    this.digest = digest;
    this.channel = channel;
  }

  /**
   * An engine for the sidecar at {@code config.target()}. Starts connecting at once and sends a few
   * warm-up Checks in the background (their answers are dropped), so the first real decision does
   * not pay for the connection, class loading and the sidecar's first evaluations; a sidecar that
   * is not up yet makes decisions fail closed until it is. Reads the bundle directories for the
   * digest. Never blocks on the network.
   */
  public static OpaGrpcPolicyEngine connect(OpaGrpcConfig config) {
    requireNonNull(config, "config");
    String digest = BundleSources.digest(config.bundleDirectories());
    ManagedChannel channel =
        Grpc.newChannelBuilder(config.target(), InsecureChannelCredentials.create())
            // Never drop the connection for idleness (default: after 30 min): the next decision
            // would pay for a new one. No keep-alive pings: a grpc-go server (the sidecar) answers
            // pings more often than every 5 min with GOAWAY.
            .idleTimeout(IDLE_TIMEOUT_DAYS, TimeUnit.DAYS)
            .build();
    OpaGrpcPolicyEngine engine = new OpaGrpcPolicyEngine(config, digest, channel);
    channel.getState(true);
    engine.warmUp(WARM_UP_CALLS);
    return engine;
  }

  /** Sends {@code n} Checks in turn, each after the previous answer; outcomes are ignored. */
  private void warmUp(int n) {
    if (n == 0) {
      return;
    }
    try {
      ClientCall<CheckRequest, CheckResponse> call =
          channel.newCall(
              Authorization.CHECK,
              CallOptions.DEFAULT.withDeadlineAfter(
                  config.deadline().toNanos(), TimeUnit.NANOSECONDS));
      ClientCalls.asyncUnaryCall(
          call,
          WARM_UP,
          new StreamObserver<>() {
            @Override
            public void onNext(CheckResponse value) {}

            @Override
            public void onError(Throwable t) {} // not up yet: real decisions will say so

            @Override
            public void onCompleted() {
              warmUp(n - 1);
            }
          });
    } catch (RuntimeException e) {
      // closed meanwhile: nothing to warm
    }
  }

  /** Decides one input with one Check call, within the deadline. */
  @Override
  public CompletableFuture<Decision> decide(JsonNode input) {
    requireNonNull(input, "input");
    CompletableFuture<Decision> result = new CompletableFuture<>();
    try {
      CheckRequest request = ExtAuthzCodec.encode(input);
      ClientCall<CheckRequest, CheckResponse> call =
          channel.newCall(
              Authorization.CHECK,
              CallOptions.DEFAULT.withDeadlineAfter(
                  config.deadline().toNanos(), TimeUnit.NANOSECONDS));
      ClientCalls.asyncUnaryCall(call, request, new Answer(result));
    } catch (RuntimeException e) {
      fail(result, "cannot call the sidecar: " + e);
    }
    return result;
  }

  @Override
  public String name() {
    return "opa-grpc";
  }

  @Override
  public String bundleDigest() {
    return digest;
  }

  /** The settings in force. */
  public OpaGrpcConfig config() {
    return config;
  }

  /** Closes the channel; calls in flight fail closed. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void fail(CompletableFuture<Decision> result, String why) {
    if (result.complete(Decision.policyError())) {
      long n = failures.incrementAndGet();
      if (Long.bitCount(n) == 1) { // 1, 2, 4, 8…: visible without flooding stderr
        LOG.log(
            Level.WARNING,
            "OPA sidecar {0}: {1} (POLICY_ERROR; {2} so far)",
            config.target(),
            why,
            String.valueOf(n));
      }
    }
  }

  /** Completes the decision from the one answer (or error) of a Check call. */
  private final class Answer implements StreamObserver<CheckResponse> {
    private final CompletableFuture<Decision> result;

    Answer(CompletableFuture<Decision> result) {
      this.result = result;
    }

    @Override
    public void onNext(CheckResponse response) {
      Decision d = ExtAuthzCodec.decode(response);
      if (d == null) {
        fail(
            result,
            "answer without a decision (status "
                + response.getStatus().getCode()
                + ", "
                + response.getHttpResponseCase()
                + ")");
      } else {
        result.complete(d);
      }
    }

    @Override
    public void onError(Throwable t) {
      Status s = Status.fromThrowable(t);
      fail(result, s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription()));
    }

    @Override
    public void onCompleted() {
      fail(result, "no answer");
    }
  }
}
