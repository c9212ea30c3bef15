package dev.aegis.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * Evaluates the decide bundle ({@code data.aegis.decide.decision}) for one input {@code {event,
 * snapshot, manifest}}. Implementations: in-process Wasm, OPA sidecar over gRPC; the same bundle
 * gives the same answers on both (a shared contract test proves it).
 *
 * <p>Threading: {@link #decide} may be called from any thread and must not block it; the future
 * never completes exceptionally — an engine error, a timeout or malformed output completes it with
 * {@link Decision#policyError()} (fail closed).
 */
public interface PolicyEngine extends AutoCloseable {

  /** Decides one input. */
  CompletableFuture<Decision> decide(JsonNode input);

  /**
   * A short engine name for sealed decisions and metrics, e.g. {@code wasm} or {@code opa-grpc}.
   */
  String name();

  /** SHA-256 (lowercase hex) of the policy bundle in force, sealed with every decision. */
  String bundleDigest();

  /** Releases the engine's resources. */
  @Override
  void close();
}
