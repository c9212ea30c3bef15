package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.checkpoint.Checkpoint;
import dev.aegis.core.checkpoint.CheckpointNote;
import dev.aegis.core.checkpoint.CheckpointVerifier;
import dev.aegis.guard.manifest.ManifestKeys;
import dev.aegis.store.ChainStores;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aegisctl verify}: checks every chain in scope, in a store or in an NDJSON export. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Verifies chains: every hash, link and frame body; names the first bad seq.",
    description = {
      "Recomputes every hash, checks every link and the contiguity of seq from 0, and checks each"
          + " frame body against its committed digest. Prints one line per chain: valid with its"
          + " event count and head hash, or INVALID with the first bad seq and why.",
      "Scope: one session (--session, tenant default unless --tenant), every session of a tenant"
          + " (--tenant), or every chain in the store. --file verifies an export instead.",
      "Truncation of a chain's tail cannot be detected from the chain alone: each chain is also"
          + " compared with its checkpoints (the store's checkpoints table, or --checkpoints FILE"
          + " exported by aegisctl checkpoint export and kept elsewhere): TRUNCATED, REWRITTEN,"
          + " MISSING; with --pubkey every checkpoint must be signed by that key (UNSIGNED,"
          + " OTHER_KEY, BAD_SIGNATURE) and the chain must agree with at least one (UNANCHORED).",
      "Bodies erased by aegisctl redact are reported as redacted=SEQS, not as tampering."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl verify                       # every chain in the default store",
      "  aegisctl verify --store sqlite:chain.db --tenant acme",
      "  aegisctl verify --store postgresql://aegis@db/aegis --session 7f3c --json",
      "  aegisctl verify --file chain.ndjson   # an export; no store needed",
      "  aegisctl verify --session 7f3c --pubkey checkpoint.pub",
      "  aegisctl verify --session 7f3c --pubkey checkpoint.pub --checkpoints witness.txt"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every chain verified is valid",
      "1:a chain is invalid or disagrees with its checkpoints (or the export has a malformed"
          + " line)",
      "2:usage or configuration error: bad flags, bad or unreachable store, no such session,"
          + " unreadable file, nothing to verify"
    })
final class VerifyCommand implements Callable<Integer> {
  /** Chains at least this long get a progress bar on an interactive terminal. */
  static final long PROGRESS_MIN_EVENTS = 10_000;

  @Mixin StoreOptions where;

  @Option(names = "--session", paramLabel = "S", description = "Verify only this session.")
  String session;

  @Option(
      names = "--file",
      paramLabel = "F",
      description =
          "Verify an NDJSON export (from aegisctl export) instead of a store; - is stdin.")
  String file;

  @Option(
      names = "--pubkey",
      paramLabel = "PEM",
      description =
          "Ed25519 public key (PEM) that signs checkpoints (aegis-proxy --checkpoint-key):"
              + " every checkpoint must carry a valid signature by it.")
  Path pubkey;

  @Option(
      names = "--checkpoints",
      paramLabel = "FILE",
      description =
          "Compare with the checkpoints in FILE (aegisctl checkpoint export, e.g. a witness's"
              + " copy) instead of the store's checkpoints table.")
  Path checkpoints;

  @Option(names = "--json", description = "Print one JSON report instead of lines of text.")
  boolean json;

  @Mixin ServerOptions api;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    VerifyReport report = new VerifyReport(out, json);
    PublicKey key = pubkey == null ? null : readKey(pubkey);
    List<Checkpoint> witness = checkpoints == null ? null : readNotes(checkpoints);
    List<ChainCheck> results = new ArrayList<>();
    String source;
    if (api.remote()) {
      if (session == null || file != null || where.store != null) {
        throw new ParameterException(
            spec.commandLine(), "--server verifies one --session (not with --file or --store)");
      }
      if (key != null || witness != null) {
        throw new ParameterException(
            spec.commandLine(), "--pubkey and --checkpoints check a store or a file, not --server");
      }
      source = api.server;
      ChainCheck r = ChainCheck.of(remote(where.tenantOrDefault(), session));
      report.chain(r);
      results.add(r);
    } else if (file != null) {
      if (where.store != null || where.tenant != null || session != null) {
        throw new ParameterException(
            spec.commandLine(), "--file cannot be combined with --store, --tenant or --session");
      }
      if (key != null && witness == null) {
        throw new ParameterException(
            spec.commandLine(), "--pubkey with --file needs --checkpoints FILE");
      }
      source = file;
      ChainCheck c = verifyFile(key, witness);
      report.chain(c);
      results.add(c);
    } else {
      try (ChainStore store = where.open()) {
        source = store.describe();
        for (Chain c : scope(store, witness)) {
          ChainCheck r = verify(store, c, key, witness);
          report.chain(r);
          results.add(r);
        }
      }
    }
    report.finish(source, results);
    return results.stream().allMatch(ChainCheck::valid) ? AegisCtl.EXIT_OK : AegisCtl.EXIT_INVALID;
  }

  /** Verification by a control API ({@code GET /v1/sessions/S/verify}). */
  private VerifyResult remote(String tenant, String session) {
    ServerOptions.Answer a =
        api.get(
            "/v1/sessions/"
                + URLEncoder.encode(session, StandardCharsets.UTF_8)
                + "/verify?tenant_id="
                + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
    if (a.status() != 200) {
      throw new CtlException(api.server + ": " + a.error());
    }
    JsonNode b = a.body();
    return new VerifyResult(
        tenant,
        session,
        b.path("valid").asBoolean(false),
        b.path("events").asLong(),
        b.path("first_bad_seq").asLong(-1),
        b.path("reason").isTextual() ? b.path("reason").asText() : null,
        b.path("head_hash").isTextual() ? b.path("head_hash").asText() : null);
  }

  private ChainCheck verifyFile(PublicKey key, List<Checkpoint> witness) {
    CheckpointVerifier[] cps = new CheckpointVerifier[1];
    ExportFileVerifier.Outcome o =
        ExportFileVerifier.verify(
            file,
            r -> {
              if (witness == null) {
                return;
              }
              if (cps[0] == null) {
                cps[0] =
                    new CheckpointVerifier(of(witness, r.tenantId(), r.sessionId()), key, false);
              }
              cps[0].accept(r);
            });
    if (cps[0] == null) {
      return new ChainCheck(o.result(), o.redacted(), List.of(), 0, List.of());
    }
    return new ChainCheck(o.result(), o.redacted(), List.of(), cps[0].checked(), cps[0].problems());
  }

  private static PublicKey readKey(Path file) {
    try {
      return ManifestKeys.readPublic(file);
    } catch (IOException e) {
      throw new CtlException("cannot read --pubkey " + file + ": " + CtlErrors.describe(e));
    }
  }

  private static List<Checkpoint> readNotes(Path file) {
    try {
      return CheckpointNote.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CtlException("cannot read --checkpoints " + file + ": " + CtlErrors.describe(e));
    } catch (IllegalArgumentException e) {
      throw new CtlException("--checkpoints " + file + ": " + e.getMessage());
    }
  }

  private static List<Checkpoint> of(List<Checkpoint> all, String tenant, String session) {
    return all.stream()
        .filter(c -> c.tenantId().equals(tenant) && c.sessionId().equals(session))
        .toList();
  }

  private List<Checkpoint> checkpointsOf(ChainStore store, List<Checkpoint> witness) {
    if (witness != null) {
      return witness;
    }
    return ChainStores.checkpoints(store).all(where.tenantOrAll());
  }

  private List<Chain> scope(ChainStore store, List<Checkpoint> witness) {
    List<Chain> chains = new ArrayList<>();
    // Chains whose events are all gone still have checkpoints: they are in scope too.
    Set<List<String>> checkpointed = new LinkedHashSet<>();
    for (Checkpoint c : checkpointsOf(store, witness)) {
      if (where.tenantOrAll() == null || c.tenantId().equals(where.tenantOrAll())) {
        checkpointed.add(List.of(c.tenantId(), c.sessionId()));
      }
    }
    if (session != null) {
      String tenant = where.tenantOrDefault();
      ChainHead head = store.head(tenant, session).orElse(null);
      if (head == null && !checkpointed.contains(List.of(tenant, session))) {
        throw new CtlException(
            "no such session: " + tenant + "/" + session + " in " + store.describe());
      }
      chains.add(new Chain(tenant, session, head == null ? 0 : head.seq() + 1));
      return chains;
    }
    for (SessionSummary s : store.sessions(where.tenantOrAll())) {
      chains.add(new Chain(s.tenantId(), s.sessionId(), s.events()));
      checkpointed.remove(List.of(s.tenantId(), s.sessionId()));
    }
    for (List<String> gone : checkpointed) {
      chains.add(new Chain(gone.get(0), gone.get(1), 0));
    }
    if (chains.isEmpty()) {
      throw new CtlException(
          "nothing to verify: no chains"
              + (where.tenant == null ? "" : " of tenant " + where.tenant)
              + " in "
              + store.describe());
    }
    return chains;
  }

  private ChainCheck verify(ChainStore store, Chain c, PublicKey key, List<Checkpoint> witness) {
    ChainVerifier verifier = new ChainVerifier(c.tenant(), c.session());
    verifier.redactions(Redactions.seqs(store, c.tenant(), c.session()));
    Set<Long> shredded = Redactions.shredded(store, c.tenant(), c.session());
    verifier.redactions(shredded);
    List<Checkpoint> mine =
        witness != null
            ? of(witness, c.tenant(), c.session())
            : ChainStores.checkpoints(store).list(c.tenant(), c.session());
    CheckpointVerifier cps = new CheckpointVerifier(mine, key, witness == null);
    try (ProgressBar bar = progressBar(c)) {
      store.read(
          c.tenant(),
          c.session(),
          r -> {
            verifier.accept(r);
            cps.accept(r);
            bar.step();
          });
    }
    List<Long> erased = verifier.redacted();
    return new ChainCheck(
        verifier.result(),
        erased.stream().filter(seq -> !shredded.contains(seq)).toList(),
        erased.stream().filter(shredded::contains).toList(),
        cps.checked(),
        cps.problems());
  }

  private ProgressBar progressBar(Chain c) {
    boolean show = System.console() != null && c.events() >= PROGRESS_MIN_EVENTS;
    return show
        ? new ProgressBar(spec.commandLine().getErr(), c.tenant() + "/" + c.session(), c.events())
        : ProgressBar.NONE;
  }

  /** One chain to verify and the number of events the store reported for it. */
  private record Chain(String tenant, String session, long events) {}
}
