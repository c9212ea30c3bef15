package dev.aegis.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.guard.GuardDecision;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.guard.ToolCallGuard;
import dev.aegis.core.json.Json;
import dev.aegis.guard.state.LoopSettings;
import dev.aegis.guard.state.PolicySnapshot;
import dev.aegis.guard.state.SessionState;
import dev.aegis.guard.state.TaintSettings;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The guard of one session: the reducer's snapshot of the session plus the capability manifest,
 * evaluated by the policy engine. Without a manifest the policy denies every tool call
 * (PERMISSION_UNDECLARED). The manifest's {@code permissions.taint} sets how the reducer tracks
 * taint (session or flow) and which tools are fingerprinted or register sanitisation. Thread-safe:
 * observations and snapshot reads share one lock; the engine runs off the caller's thread.
 */
public final class PolicyGuard implements ToolCallGuard {
  private final PolicyEngine engine;
  private final JsonNode manifest;
  private final String manifestDigest;
  private final SessionState state;
  private final Set<String> declared;
  private final TaintSettings taint;

  private final boolean trustAnnotations;

  /**
   * A guard deciding with {@code engine} against {@code manifest} (the manifest's JSON, or null for
   * none) whose digest is sealed with every decision; the server's pinned tool annotations are not
   * trusted.
   */
  public PolicyGuard(
      PolicyEngine engine, JsonNode manifest, String manifestDigest, LoopSettings loops) {
    this(engine, manifest, manifestDigest, loops, false);
  }

  /**
   * As above; with {@code trustAnnotations} the upstream is trusted, so the annotations it pinned
   * first reach the policy (a pinned {@code destructiveHint} makes the tool a high-risk sink) and,
   * in flow mode, the reducer (a pinned {@code openWorldHint} makes its results untrusted).
   */
  public PolicyGuard(
      PolicyEngine engine,
      JsonNode manifest,
      String manifestDigest,
      LoopSettings loops,
      boolean trustAnnotations) {
    this.trustAnnotations = trustAnnotations;
    this.engine = requireNonNull(engine, "engine");
    this.manifest = manifest == null ? Json.MAPPER.nullNode() : manifest.deepCopy();
    this.manifestDigest = manifestDigest;
    this.taint = TaintSettings.of(this.manifest, trustAnnotations);
    this.state = new SessionState(requireNonNull(loops, "loops"), taint);
    Set<String> tools = new HashSet<>();
    this.manifest.path("permissions").path("tools").forEach(t -> tools.add(t.asText()));
    this.declared = Set.copyOf(tools);
  }

  @Override
  public void observe(Envelope sealed) {
    synchronized (state) {
      state.apply(sealed);
    }
  }

  /** Only declared tools are listed to the client: the rest would be refused (rule 1). */
  @Override
  public boolean lists(String toolName) {
    return declared.contains(toolName);
  }

  /** In flow mode, the results of untrusted tools are fingerprinted (never a sanitiser's). */
  @Override
  public boolean fingerprints(String toolName) {
    synchronized (state) {
      return state.untrustedSource(toolName);
    }
  }

  /** The manifest's {@code permissions.taint.sanitizers}. */
  @Override
  public boolean sanitizer(String toolName) {
    return taint.sanitizers().contains(toolName);
  }

  @Override
  public CompletableFuture<GuardDecision> decide(Envelope proposal) {
    PolicySnapshot snapshot;
    synchronized (state) {
      snapshot = state.snapshotFor(proposal.seq());
    }
    ObjectNode evidence = Json.object();
    evidence.put("engine", engine.name());
    evidence.put("bundle_sha256", engine.bundleDigest());
    if (manifestDigest != null) {
      evidence.put("manifest_sha256", manifestDigest);
    }
    if (snapshot == null) {
      return CompletableFuture.completedFuture(new GuardDecision(Decision.policyError(), evidence));
    }
    ObjectNode snap = snapshot.toPolicyJson();
    evidence.set("snapshot", snap);
    if (snapshot.catalogSha256() != null) {
      evidence.put("catalog_sha256", snapshot.catalogSha256());
    }
    if (snapshot.loopViolation() != null) {
      ArrayNode trace = evidence.putArray("cycle_trace");
      snapshot.loopViolation().cycleTrace().forEach(trace::add);
      evidence.put("loop", snapshot.loopViolation().reason());
    }
    ObjectNode input = Json.object();
    input.set("event", event(proposal, snapshot));
    input.set("snapshot", snap);
    input.set("manifest", manifest);
    long start = System.nanoTime();
    return engine
        .decide(input)
        .thenApply(
            d -> {
              evidence.put("latency_us", (System.nanoTime() - start) / 1000);
              return new GuardDecision(d, evidence);
            });
  }

  /**
   * The policy input's event: the sealed proposal, with the tool's pin added to its payload (not
   * sealed in the proposal: the reducer derives it from the sealed catalog events, so replay
   * reproduces it). A proposal's own fields of these names are overwritten: only pins count.
   */
  private ObjectNode event(Envelope e, PolicySnapshot snapshot) {
    ObjectNode payload = e.payload().deepCopy();
    payload.remove("definition_changed");
    payload.remove("annotations");
    if (snapshot.definitionChanged()) {
      payload.put("definition_changed", true);
    }
    if (trustAnnotations && snapshot.pinnedAnnotations() != null) {
      payload.set("annotations", snapshot.pinnedAnnotations().deepCopy());
    }
    ObjectNode o = Json.object();
    o.put("event_type", e.eventType());
    o.put("seq", e.seq());
    o.put("tenant_id", e.tenantId());
    o.put("session_id", e.sessionId());
    o.set("payload", payload);
    return o;
  }
}
