package dev.aegis.cli.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.metrics.MeteredPolicyEngine;
import dev.aegis.core.metrics.ProxyMetrics;
import dev.aegis.guard.PolicyGuard;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ManifestException;
import dev.aegis.guard.manifest.ManifestKeys;
import dev.aegis.guard.manifest.ManifestLoader;
import dev.aegis.guard.manifest.TrustPolicy;
import dev.aegis.guard.manifest.TrustResult;
import dev.aegis.guard.policy.PolicyBundle;
import dev.aegis.guard.policy.PolicyLoadException;
import dev.aegis.guard.policy.WasmEngineConfig;
import dev.aegis.guard.policy.WasmPolicyEngine;
import dev.aegis.guard.state.LoopSettings;
import dev.aegis.policy.grpc.OpaGrpcConfig;
import dev.aegis.policy.grpc.OpaGrpcPolicyEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds the guard of a proxy run: the manifest (validated and trust-checked), the policy engine
 * (started in the background so the first decision is ready quickly) and the loop settings.
 * Problems a user can fix become {@link IllegalArgumentException}s with the message to print.
 */
public final class GuardFactory {
  private final Manifest manifest;
  private final PolicyEngine engine;
  private final PolicyEngine unmetered;
  private final AtomicBoolean closing;

  private GuardFactory(
      Manifest manifest, PolicyEngine unmetered, ProxyMetrics metrics, AtomicBoolean closing) {
    this.closing = closing;
    this.manifest = manifest;
    this.unmetered = unmetered;
    this.engine = new MeteredPolicyEngine(unmetered, metrics);
  }

  /**
   * Loads the manifest and starts the policy engine; a problem the user can fix throws {@link
   * IllegalArgumentException} with the message to print.
   */
  public static GuardFactory create(GuardSettings s) {
    return create(s, ProxyMetrics.NOOP);
  }

  /** As above, reporting every decision to {@code metrics}. */
  public static GuardFactory create(GuardSettings s, ProxyMetrics metrics) {
    Manifest manifest = s.manifest() == null ? null : loadManifest(s);
    if (manifest == null) {
      System.err.println(
          "aegis: no --manifest given: every tools/call will be denied (PERMISSION_UNDECLARED)."
              + " Write a capability manifest (docs/manifest.md) and pass --manifest FILE.");
    }
    AtomicBoolean closing = new AtomicBoolean();
    PolicyEngine engine = s.policyEngine().equals("opa-grpc") ? sidecar(s) : wasm(s, closing);
    return new GuardFactory(manifest, engine, metrics, closing);
  }

  private static PolicyEngine sidecar(GuardSettings s) {
    try {
      return OpaGrpcPolicyEngine.connect(
          new OpaGrpcConfig(s.opaAddr(), s.opaDeadline(), s.opaBundleDirs()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("opa-grpc: " + e.getMessage());
    }
  }

  /** The Wasm engine; a load failure is reported unless it is only the engine being closed. */
  private static PolicyEngine wasm(GuardSettings s, AtomicBoolean closing) {
    PolicyBundle bundle;
    try {
      bundle =
          s.policyBundle() == null ? PolicyBundle.builtIn() : PolicyBundle.read(s.policyBundle());
    } catch (PolicyLoadException e) {
      throw new IllegalArgumentException("policy-bundle: " + e.getMessage());
    }
    WasmPolicyEngine engine = WasmPolicyEngine.start(bundle, WasmEngineConfig.defaults());
    engine
        .ready()
        .whenComplete(
            (ok, err) -> {
              if (err != null && !closing.get()) {
                System.err.println(
                    "aegis: policy bundle unusable, every tools/call will be denied"
                        + " (POLICY_ERROR): "
                        + err.getMessage());
              }
            });
    return engine;
  }

  private static Manifest loadManifest(GuardSettings s) {
    Manifest m;
    try {
      m = ManifestLoader.load(s.manifest());
    } catch (ManifestException e) {
      throw new IllegalArgumentException(
          "manifest " + s.manifest() + " is invalid:\n  " + String.join("\n  ", e.problems()));
    } catch (IOException e) {
      throw new IllegalArgumentException("manifest: cannot read " + s.manifest() + ": " + e);
    }
    TrustResult trust = trustPolicy(s).check(m);
    if (!trust.accepted()) {
      throw new IllegalArgumentException("manifest " + s.manifest() + ": " + trust.message());
    }
    trust
        .warning()
        .ifPresent(w -> System.err.println("aegis: manifest " + s.manifest() + ": " + w));
    return m;
  }

  private static TrustPolicy trustPolicy(GuardSettings s) {
    List<PublicKey> keys = new ArrayList<>();
    for (Path p : s.trustedKeys()) {
      try {
        keys.add(ManifestKeys.readPublic(p));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("trusted-key: cannot read " + p + ": " + e.getMessage());
      }
    }
    return new TrustPolicy(TrustPolicy.Mode.parse(s.trust()), keys);
  }

  /** A fresh guard (empty session state) over this manifest and engine. */
  public PolicyGuard guard(boolean trustAnnotations) {
    return new PolicyGuard(
        engine,
        manifest == null ? null : manifest.json(),
        manifest == null ? null : manifest.digest(),
        loops(),
        trustAnnotations);
  }

  /** The manifest's loop thresholds, or the defaults without a manifest. */
  public LoopSettings loops() {
    return manifest == null
        ? LoopSettings.DEFAULTS
        : LoopSettings.of(manifest.permissions().loops());
  }

  /** The loaded manifest, or null when none was given. */
  public Manifest manifest() {
    return manifest;
  }

  /** The policy engine every guard of this factory decides with. */
  public PolicyEngine engine() {
    return engine;
  }

  /** What SESSION_STARTED records about the guard. */
  void describe(ObjectNode info, ProxySettings s) {
    ObjectNode g = info.putObject("guard");
    g.put("engine", engine.name());
    g.put("bundle_sha256", engine.bundleDigest());
    g.put("mode", s.audit() ? "audit" : "enforce");
    g.put("deny_as", s.denyAsError() ? "error" : "result");
    if (manifest != null) {
      g.put("manifest", manifest.name() + "@" + manifest.version());
      g.put("manifest_sha256", manifest.digest());
    }
  }

  /** The engine without metrics, for readiness probes that must not count as decisions. */
  public PolicyEngine unmeteredEngine() {
    return unmetered;
  }

  /** Closes the policy engine. */
  public void close() {
    closing.set(true);
    engine.close();
  }
}
