package dev.aegis.cli.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a guard is built from, shared by aegis-proxy and aegisd: the manifest and how it is trusted,
 * and the policy engine with its bundle or sidecar.
 */
public record GuardSettings(
    Path manifest,
    Path policyBundle,
    String policyEngine,
    String opaAddr,
    Duration opaDeadline,
    List<Path> opaBundleDirs,
    String trust,
    List<Path> trustedKeys) {

  /** Copies the lists; an opa-grpc engine needs its address. */
  public GuardSettings {
    opaBundleDirs = List.copyOf(opaBundleDirs);
    trustedKeys = List.copyOf(trustedKeys);
    if (policyEngine.equals("opa-grpc") && opaAddr == null) {
      throw new IllegalArgumentException(
          "opa-addr: missing (expected: HOST:PORT of the opa-envoy-plugin gRPC listener when"
              + " --policy-engine is opa-grpc)");
    }
  }
}
