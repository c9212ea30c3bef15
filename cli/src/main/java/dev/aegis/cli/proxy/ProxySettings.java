package dev.aegis.cli.proxy;

import dev.aegis.core.chain.Durability;
import dev.aegis.core.pins.UpstreamIds;
import dev.aegis.core.pipeline.RateLimits;
import dev.aegis.transport.http.HttpUpstreamConfig;
import dev.aegis.transport.http.TlsFiles;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything aegis-proxy runs with, after flags and {@code aegis.yaml} are merged; validated on
 * construction so a bad value fails before anything starts. Without an upstream id the server's
 * argv names it ({@link UpstreamIds#stdio}), or for an HTTP upstream its URL. {@code http} is set
 * in Streamable HTTP mode ({@code --listen}), null in stdio mode; {@code httpUpstream} is set when
 * the stdio client is relayed to a Streamable HTTP server ({@code --upstream} without {@code
 * --listen}), null otherwise.
 */
record ProxySettings(
    String storeUrl,
    String tenant,
    String user,
    String session,
    boolean sessionGenerated,
    Durability durability,
    int maxFrameBytes,
    Duration shutdownGrace,
    String logLevel,
    Path manifest,
    Path policyBundle,
    String policyEngine,
    String opaAddr,
    Duration opaDeadline,
    List<Path> opaBundleDirs,
    boolean audit,
    boolean denyAsError,
    boolean trustAnnotations,
    String trust,
    List<Path> trustedKeys,
    Duration approvalHold,
    Duration approvalTtl,
    Path approvalKey,
    String upstreamId,
    int checkpointEvery,
    Path checkpointKey,
    HttpSettings http,
    HttpUpstreamConfig httpUpstream,
    List<String> command,
    InetSocketAddress adminListen,
    Path adminTokenFile,
    TlsFiles adminTls,
    RateLimits rateLimits,
    Path bodyKeys,
    URI approvalNotify) {

  static final String DEFAULT_TENANT = "default";

  ProxySettings {
    command = List.copyOf(command);
    java.util.Objects.requireNonNull(rateLimits, "rateLimits");
    trustedKeys = List.copyOf(trustedKeys);
    opaBundleDirs = List.copyOf(opaBundleDirs);
    if (policyEngine.equals("opa-grpc") && opaAddr == null) {
      throw new IllegalArgumentException(
          "opa-addr: missing (expected: HOST:PORT of the opa-envoy-plugin gRPC listener when"
              + " --policy-engine is opa-grpc)");
    }
    requireId("tenant", tenant);
    requireId("session", session);
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("max-frame-bytes: " + maxFrameBytes + " (expected: > 0)");
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdown-grace: " + shutdownGrace + " (expected: >= 0)");
    }
    if (approvalHold.isNegative()) {
      throw new IllegalArgumentException("approval-hold: " + approvalHold + " (expected: >= 0)");
    }
    if (approvalTtl.isNegative() || approvalTtl.isZero()) {
      throw new IllegalArgumentException("approval-ttl: " + approvalTtl + " (expected: > 0)");
    }
    if (checkpointEvery <= 0) {
      throw new IllegalArgumentException(
          "checkpoint-every: " + checkpointEvery + " (expected: > 0)");
    }
    if (adminTls != null && adminListen == null) {
      throw new IllegalArgumentException(
          "admin-tls-cert: given without --admin-listen (expected: both, or neither)");
    }
    if (http != null) {
      if (!command.isEmpty() && http.upstream() != null) {
        throw new IllegalArgumentException(
            "upstream: given with -- CMD (expected: --upstream URL to relay to an HTTP server, or"
                + " -- CMD to bridge a stdio server, not both)");
      }
      if (command.isEmpty() && http.upstream() == null) {
        throw new IllegalArgumentException(
            "upstream: missing (expected: --listen HOST:PORT --upstream URL, or --listen"
                + " HOST:PORT -- CMD to bridge a stdio server)");
      }
      if (!sessionGenerated) {
        throw new IllegalArgumentException(
            "session: not allowed with --listen (every MCP session gets its own Aegis session)");
      }
      String byDefault = command.isEmpty() ? http.upstreamId() : UpstreamIds.stdio(command);
      upstreamId = upstreamId == null ? byDefault : UpstreamIds.check(upstreamId);
    } else if (httpUpstream != null) {
      if (!command.isEmpty()) {
        throw new IllegalArgumentException(
            "upstream: given with -- CMD (expected: --upstream URL to relay to an HTTP server, or"
                + " -- CMD to wrap a stdio server, not both)");
      }
      upstreamId =
          upstreamId == null
              ? HttpSettings.upstreamIdOf(httpUpstream.url())
              : UpstreamIds.check(upstreamId);
    } else {
      if (command.isEmpty()) {
        throw new IllegalArgumentException(
            "missing MCP server command (expected: aegis-proxy [options] -- CMD [ARGS...],"
                + " or --upstream URL, or --listen HOST:PORT --upstream URL)");
      }
      upstreamId = upstreamId == null ? UpstreamIds.stdio(command) : UpstreamIds.check(upstreamId);
    }
  }

  /** The guard part of the settings. */
  GuardSettings guardSettings() {
    return new GuardSettings(
        manifest,
        policyBundle,
        policyEngine,
        opaAddr,
        opaDeadline,
        opaBundleDirs,
        trust,
        trustedKeys);
  }

  private static void requireId(String name, String value) {
    if (value == null || value.isBlank() || value.length() > 200 || !value.strip().equals(value)) {
      throw new IllegalArgumentException(
          name + ": '" + value + "' (expected: 1-200 characters without surrounding spaces)");
    }
  }
}
