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
import java.util.concurrent.CompletableFuture;

/**
 * The guard of one session: the reducer's snapshot of the session plus the capability manifest,
 * evaluated by the policy engine. Without a manifest the policy denies every tool call
 * (PERMISSION_UNDECLARED). Thread-safe: observations and snapshot reads share one lock; the engine
 * runs off the caller's thread.
 */
public final class PolicyGuard implements ToolCallGuard {
  private final PolicyEngine engine;
  private final JsonNode manifest;
  private final String manifestDigest;
  private final SessionState state;
  private final java.util.Set<String> declared;

  /**
   * A guard deciding with {@code engine} against {@code manifest} (the manifest's JSON, or null for
   * none) whose digest is sealed with every decision.
   */
  public PolicyGuard(
      PolicyEngine engine, JsonNode manifest, String manifestDigest, LoopSettings loops) {
    this.engine = requireNonNull(engine, "engine");
    this.manifest = manifest == null ? Json.MAPPER.nullNode() : manifest.deepCopy();
    this.manifestDigest = manifestDigest;
    this.state = new SessionState(requireNonNull(loops, "loops"));
    java.util.Set<String> tools = new java.util.HashSet<>();
    this.manifest.path("permissions").path("tools").forEach(t -> tools.add(t.asText()));
    this.declared = java.util.Set.copyOf(tools);
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
    if (snapshot.loopViolation() != null) {
      ArrayNode trace = evidence.putArray("cycle_trace");
      snapshot.loopViolation().cycleTrace().forEach(trace::add);
      evidence.put("loop", snapshot.loopViolation().reason());
    }
    ObjectNode input = Json.object();
    input.set("event", event(proposal));
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

  private static ObjectNode event(Envelope e) {
    ObjectNode o = Json.object();
    o.put("event_type", e.eventType());
    o.put("seq", e.seq());
    o.put("tenant_id", e.tenantId());
    o.put("session_id", e.sessionId());
    o.set("payload", e.payload());
    return o;
  }
}
