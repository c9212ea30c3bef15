package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainHead;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.chain.VerifyResult;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
      "Truncation of a chain's tail cannot be detected from the chain alone: compare the head"
          + " hash with one recorded elsewhere."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl verify                       # every chain in the default store",
      "  aegisctl verify --store sqlite:chain.db --tenant acme",
      "  aegisctl verify --store postgresql://aegis@db/aegis --session 7f3c --json",
      "  aegisctl verify --file chain.ndjson   # an export; no store needed"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every chain verified is valid",
      "1:a chain is invalid (or the export has a malformed line)",
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

  @Option(names = "--json", description = "Print one JSON report instead of lines of text.")
  boolean json;

  @Mixin ServerOptions api;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    VerifyReport report = new VerifyReport(out, json);
    List<VerifyResult> results = new ArrayList<>();
    String source;
    if (api.remote()) {
      if (session == null || file != null || where.store != null) {
        throw new ParameterException(
            spec.commandLine(), "--server verifies one --session (not with --file or --store)");
      }
      source = api.server;
      VerifyResult r = remote(where.tenantOrDefault(), session);
      report.chain(r);
      results.add(r);
    } else if (file != null) {
      if (where.store != null || where.tenant != null || session != null) {
        throw new ParameterException(
            spec.commandLine(), "--file cannot be combined with --store, --tenant or --session");
      }
      source = file;
      VerifyResult r = ExportFileVerifier.verify(file);
      report.chain(r);
      results.add(r);
    } else {
      try (ChainStore store = where.open()) {
        source = store.describe();
        for (Chain c : scope(store)) {
          VerifyResult r = verify(store, c);
          report.chain(r);
          results.add(r);
        }
      }
    }
    report.finish(source, results);
    return results.stream().allMatch(VerifyResult::valid)
        ? AegisCtl.EXIT_OK
        : AegisCtl.EXIT_INVALID;
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

  private List<Chain> scope(ChainStore store) {
    List<Chain> chains = new ArrayList<>();
    if (session != null) {
      String tenant = where.tenantOrDefault();
      ChainHead head =
          store
              .head(tenant, session)
              .orElseThrow(
                  () ->
                      new CtlException(
                          "no such session: "
                              + tenant
                              + "/"
                              + session
                              + " in "
                              + store.describe()));
      chains.add(new Chain(tenant, session, head.seq() + 1));
      return chains;
    }
    for (SessionSummary s : store.sessions(where.tenantOrAll())) {
      chains.add(new Chain(s.tenantId(), s.sessionId(), s.events()));
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

  private VerifyResult verify(ChainStore store, Chain c) {
    ChainVerifier verifier = new ChainVerifier(c.tenant(), c.session());
    try (ProgressBar bar = progressBar(c)) {
      store.read(
          c.tenant(),
          c.session(),
          r -> {
            verifier.accept(r);
            bar.step();
          });
    }
    return verifier.result();
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
