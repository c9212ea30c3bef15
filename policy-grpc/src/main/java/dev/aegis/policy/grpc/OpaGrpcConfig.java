package dev.aegis.policy.grpc;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the OPA sidecar engine: where the sidecar listens, how long one decision may take,
 * and the Rego directories the sidecar serves (for the bundle digest). Immutable, validated on
 * construction.
 *
 * @param target the sidecar's gRPC address, {@code HOST:PORT}
 * @param deadline the deadline of one Check call; past it the decision is a POLICY_ERROR deny
 * @param bundleDirectories the directories of Rego sources the sidecar was started with
 */
public record OpaGrpcConfig(String target, Duration deadline, List<Path> bundleDirectories) {
  /** Default per-decision deadline: a loopback Check takes well under a millisecond. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(250);

  /** Checks the settings. */
  public OpaGrpcConfig {
    requireNonNull(target, "target");
    requireNonNull(deadline, "deadline");
    bundleDirectories = List.copyOf(requireNonNull(bundleDirectories, "bundleDirectories"));
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || !target.substring(colon + 1).matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException("target: " + target + " (expected: HOST:PORT)");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
    }
    if (bundleDirectories.isEmpty()) {
      throw new IllegalArgumentException("bundleDirectories: [] (expected: at least one)");
    }
  }

  /** The settings for a sidecar at {@code target} serving {@code bundleDirectories}. */
  public static OpaGrpcConfig of(String target, Path... bundleDirectories) {
    return new OpaGrpcConfig(target, DEFAULT_DEADLINE, List.of(bundleDirectories));
  }

  /** A copy with another deadline. */
  public OpaGrpcConfig withDeadline(Duration deadline) {
    return new OpaGrpcConfig(target, deadline, bundleDirectories);
  }
}
