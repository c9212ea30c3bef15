package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.guard.PolicyGuard;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.state.LoopSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Replays recorded sessions through the proxy's core with a given guard (engine and manifest):
 * exactly, comparing every event with the recording, or as a what-if, listing the decisions that
 * change. Reads only the chain. Not thread-safe; each call is blocking and replays on the calling
 * thread (the engine's and the session's own threads aside).
 */
public final class ReplayRunner {
  private final PolicyEngine engine;
  private final Manifest manifest;
  private final boolean trustAnnotations;
  private final ApprovalSigner signer;

  /**
   * A runner deciding with {@code engine} against {@code manifest} (null: none, every call denied);
   * {@code signer} signs approval tokens (give the proxy's key to accept its MRTR request states).
   */
  public ReplayRunner(
      PolicyEngine engine, Manifest manifest, boolean trustAnnotations, ApprovalSigner signer) {
    this.engine = requireNonNull(engine, "engine");
    this.manifest = manifest;
    this.trustAnnotations = trustAnnotations;
    this.signer = requireNonNull(signer, "signer");
  }

  private Supplier<PolicyGuard> guards() {
    LoopSettings loops =
        manifest == null ? LoopSettings.DEFAULTS : LoopSettings.of(manifest.permissions().loops());
    return () ->
        new PolicyGuard(
            engine,
            manifest == null ? null : manifest.json(),
            manifest == null ? null : manifest.digest(),
            loops,
            trustAnnotations);
  }

  /**
   * How this runner's guard differs from the one the session was recorded with (engine, bundle
   * digest, manifest digest, per recorded run); empty when it is the same.
   */
  public List<String> mismatches(ChainStore store, String tenantId, String sessionId) {
    // streamed, parsing only SESSION_STARTED: a million-event session is read whole once, by the
    // replay itself, not twice (each read held every parsed event in memory)
    List<Envelope> started = new ArrayList<>();
    store.read(
        tenantId,
        sessionId,
        r -> {
          if (r.eventType().equals("SESSION_STARTED")) {
            started.add(EnvelopeHasher.parse(r.sealed()));
          }
        });
    List<String> out = new ArrayList<>();
    String manifestDigest = manifest == null ? null : manifest.digest();
    for (Envelope e : started) {
      JsonNode g = e.payload().path("guard");
      check(out, e.seq(), "engine", text(g, "engine"), engine.name());
      check(out, e.seq(), "bundle_sha256", text(g, "bundle_sha256"), engine.bundleDigest());
      check(out, e.seq(), "manifest_sha256", text(g, "manifest_sha256"), manifestDigest);
    }
    return out;
  }

  private static void check(List<String> out, long seq, String what, String was, String now) {
    if (!Objects.equals(was, now)) {
      out.add(
          "seq "
              + seq
              + ": recorded "
              + what
              + " "
              + (was == null ? "(none)" : was)
              + ", given "
              + (now == null ? "(none)" : now));
    }
  }

  private static String text(JsonNode g, String field) {
    return g.path(field).isTextual() ? g.get(field).asText() : null;
  }

  /** Replays one session exactly and compares it with the recording, event by event. */
  public DiffReport exact(ChainStore store, String tenantId, String sessionId)
      throws InterruptedException {
    Recording r = read(store, tenantId, sessionId);
    Replayer.Result res = new Replayer(r, guards(), signer).run();
    List<DiffReport.Diff> diffs = ExactComparison.compare(r, res.records());
    return new DiffReport(sessionId, "exact", res.fed().size(), diffs, res.notes());
  }

  /** Replays sessions under this runner's guard and lists the calls decided differently. */
  public WhatIfReport whatIf(ChainStore store, String tenantId, List<String> sessionIds)
      throws InterruptedException {
    List<WhatIfReport.Session> out = new ArrayList<>();
    for (String id : sessionIds) {
      out.add(whatIf(read(store, tenantId, id)));
    }
    return new WhatIfReport(out);
  }

  private WhatIfReport.Session whatIf(Recording r) throws InterruptedException {
    Replayer.Result res = new Replayer(r, guards(), signer).run();
    CallTrail before = new CallTrail(r.events().stream().map(Recording.Event::envelope).toList());
    List<Envelope> replayed = new ArrayList<>();
    for (ChainRecord c : res.records()) {
      replayed.add(EnvelopeHasher.parse(c.sealed()));
    }
    CallTrail after = new CallTrail(replayed);
    List<WhatIfReport.Change> changes = new ArrayList<>();
    long decisions = 0;
    long lastCall = -1;
    for (Map.Entry<Long, Long> f : res.fed().entrySet()) {
      CallTrail.Call a = before.at(f.getKey());
      CallTrail.Call b = after.at(f.getValue());
      if (a == null && b == null) {
        continue;
      }
      decisions++;
      lastCall = f.getKey();
      boolean same =
          a != null
              && b != null
              && Objects.equals(a.outcome(), b.outcome())
              && Objects.equals(a.reason(), b.reason())
              && Objects.equals(a.verdict(), b.verdict());
      if (!same) {
        CallTrail.Call c = a != null ? a : b;
        boolean noResult = b != null && b.executed() && (a == null || !a.executed());
        changes.add(new WhatIfReport.Change(f.getKey(), c.callId(), c.tool(), a, b, noResult));
      }
    }
    List<String> notes = new ArrayList<>(res.notes());
    if (!changes.isEmpty() && changes.get(0).seq() < lastCall) {
      notes.add(
          "decisions after seq "
              + changes.get(0).seq()
              + " follow the replayed session, not the recorded one: budgets, loop history and"
              + " taint count the calls as the new policy decided them, so later decisions may"
              + " diverge because of earlier ones");
    }
    if (changes.stream().anyMatch(WhatIfReport.Change::noRecordedResult)) {
      notes.add(
          "calls marked no_recorded_result would now run, but the recording has no server answer"
              + " for them: the replay went on without one (no TOOL_RESULT, no taint from it)");
    }
    return new WhatIfReport.Session(r.sessionId(), res.fed().size(), decisions, changes, notes);
  }

  private static Recording read(ChainStore store, String tenantId, String sessionId) {
    try {
      return Recording.read(store, tenantId, sessionId);
    } catch (IllegalArgumentException e) {
      throw new ReplayException(e.getMessage());
    }
  }
}
