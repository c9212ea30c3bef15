package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.conformance.CaseResult;
import dev.aegis.cli.conformance.EmbeddedApi;
import dev.aegis.cli.conformance.McpPackRunner;
import dev.aegis.cli.conformance.Pack;
import dev.aegis.cli.conformance.PackLibrary;
import dev.aegis.cli.conformance.PackResult;
import dev.aegis.cli.conformance.PackRunner;
import dev.aegis.cli.conformance.Reports;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl conformance run}: runs packs and reports whether every case passed. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Runs conformance packs in-process or against a control API and reports.",
    description = {
      "--embedded (the default) runs the control API inside this process over an in-memory"
          + " store, with the engine aegis-proxy uses (--engine wasm with the built-in or"
          + " --policy-bundle policy, or --engine opa-grpc against --opa-addr), started once per"
          + " pack with the pack's session manifest.",
      "MCP packs (an mcp section) run each case through a fresh bin/aegis-proxy of this"
          + " installation in front of the pack's real server on stdio, with the same engine;"
          + " against --target they are reported skipped.",
      "--target URL runs against a running control API (aegisd): decision cases through POST"
          + " /v1/policy/decide, multi-step cases by ingesting their events into a fresh session"
          + " (tenant 'conformance') through POST /v1/events and deciding the last statefully;"
          + " the server must run with the pack's session_manifest. The bearer token, if the"
          + " server needs one, is read from --token-file or AEGIS_API_TOKEN. Decision cases the"
          + " API cannot take"
          + " (no object manifest, a non-object event or snapshot) are reported skipped.",
      "Without --report a summary is printed; with it the report goes to --out or stdout and the"
          + " summary to stderr."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl conformance run --pack baseline-safety",
      "  aegisctl conformance run --all --report markdown --out conformance.md",
      "  aegisctl conformance run --pack my-pack.yaml --target http://127.0.0.1:8080 --report json"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:compliant: every case ran passed (or was skipped)",
      "1:not compliant: some case got a different decision",
      "2:error: usage, a malformed pack, an unreachable target or a case that could not run"
    })
final class ConformanceRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--pack",
      paramLabel = "NAME|FILE",
      description = "A shipped pack's name (see 'conformance list') or a pack file; repeatable.")
  List<String> packs = new ArrayList<>();

  @Option(names = "--all", description = "Run every shipped pack.")
  boolean all;

  @Option(names = "--embedded", description = "Run in-process (the default).")
  boolean embedded;

  @Option(names = "--target", paramLabel = "URL", description = "A control API's base URL.")
  URI target;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Bearer token for --target (first line; default: $" + ServerOptions.TOKEN_ENV + ").")
  Path tokenFile;

  @Option(
      names = "--engine",
      paramLabel = "wasm|opa-grpc",
      description = "The embedded engine (default: ${DEFAULT-VALUE}).",
      defaultValue = "wasm")
  String engine;

  @Option(
      names = "--opa-addr",
      paramLabel = "HOST:PORT",
      description = "The OPA sidecar's gRPC address, with --engine opa-grpc.")
  String opaAddr;

  @Option(
      names = "--policy-bundle",
      paramLabel = "FILE",
      description = "A Wasm policy (policy.wasm of 'opa build -t wasm') for the embedded engine.")
  Path policyBundle;

  @Option(
      names = "--report",
      paramLabel = "json|junit|markdown",
      description = "Write a report in this format to --out or stdout.")
  String report;

  @Option(names = "--out", paramLabel = "FILE", description = "Where --report goes.")
  Path out;

  private static final String NEEDS_EMBEDDED =
      "needs --embedded: an MCP pack runs its own aegis-proxy in front of a real server";

  /** The session manifest the first embedded server gets when the first pack has none. */
  private JsonNode fallback;

  @Override
  public Integer call() throws IOException, InterruptedException {
    validate();
    PackLibrary library = PackLibrary.installed();
    List<Pack> selected = new ArrayList<>();
    try {
      if (all) {
        selected.addAll(library.all());
      }
      for (String p : packs) {
        selected.add(library.find(p));
      }
    } catch (IOException e) {
      throw new CtlException(e.getMessage());
    }
    HttpClient http = HttpClient.newHttpClient();
    List<PackResult> results = new ArrayList<>();
    String where;
    if (target != null) {
      where = "target " + target;
      PackRunner runner = new PackRunner(http, target, ServerOptions.token(tokenFile), null);
      try {
        runner.awaitReady(Duration.ofSeconds(60));
      } catch (IOException e) {
        throw new CtlException(e.getMessage());
      }
      for (Pack p : selected) {
        results.add(p.mcp() == null ? runner.run(p) : McpPackRunner.skipped(p, NEEDS_EMBEDDED));
      }
    } else {
      where = "embedded " + engine + (policyBundle == null ? "" : " " + policyBundle);
      Map<String, EmbeddedApi> servers = new HashMap<>();
      // Packs of decision cases carry their manifests; their server may as well be a session one.
      fallback =
          selected.stream()
              .map(Pack::sessionManifest)
              .filter(m -> m != null)
              .findFirst()
              .orElse(null);
      McpPackRunner mcp =
          new McpPackRunner(
              Path.of(System.getProperty("aegis.home", ".")), proxyEngineFlags(), System.getenv());
      try {
        for (Pack p : selected) {
          if (p.mcp() != null) {
            results.add(mcp.run(p));
            continue;
          }
          EmbeddedApi api = embedded(p, servers, http);
          results.add(new PackRunner(http, api.base(), null, api::decide).run(p));
        }
      } finally {
        servers.values().forEach(EmbeddedApi::close);
      }
    }
    return finish(results, where);
  }

  /**
   * The flags that give each MCP pack's aegis-proxy this run's engine; the sidecar's deadline is
   * the embedded API's (10 s), since a conformance run tests decisions, not their latency.
   */
  private List<String> proxyEngineFlags() {
    if (engine.equals("opa-grpc")) {
      return List.of("--policy-engine", "opa-grpc", "--opa-addr", opaAddr, "--opa-deadline", "10s");
    }
    return policyBundle == null
        ? List.of()
        : List.of("--policy-bundle", policyBundle.toAbsolutePath().toString());
  }

  /**
   * The embedded API for a pack: one per distinct session manifest, started on first use; a pack of
   * decision cases only (their manifests are in their inputs) uses any running one.
   */
  private EmbeddedApi embedded(Pack p, Map<String, EmbeddedApi> servers, HttpClient http)
      throws IOException, InterruptedException {
    if (p.sessionManifest() == null && !servers.isEmpty()) {
      return servers.values().iterator().next();
    }
    JsonNode manifest = p.sessionManifest() != null ? p.sessionManifest() : fallback;
    String key = manifest == null ? "" : manifest.toString();
    EmbeddedApi running = servers.get(key);
    if (running != null) {
      return running;
    }
    Path home = Path.of(System.getProperty("aegis.home", "."));
    List<Path> bundleDirs = List.of(home.resolve("policies/aegis"), home.resolve("policies/envoy"));
    try {
      EmbeddedApi api =
          EmbeddedApi.start(manifest, policyBundle, engine, opaAddr, bundleDirs, http);
      servers.put(key, api);
      return api;
    } catch (IllegalArgumentException e) {
      throw new CtlException(p.name() + ": " + e.getMessage());
    }
  }

  private int finish(List<PackResult> results, String where) throws IOException {
    Reports.Totals t = Reports.Totals.of(results);
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter summary = report == null ? stdout : spec.commandLine().getErr();
    for (PackResult r : results) {
      summary.printf(
          "%-32s %d/%d passed%s%n",
          r.pack().name(),
          r.count(CaseResult.Status.PASSED),
          r.results().size() - r.count(CaseResult.Status.SKIPPED),
          r.count(CaseResult.Status.SKIPPED) == 0
              ? ""
              : " (" + r.count(CaseResult.Status.SKIPPED) + " skipped)");
      for (CaseResult c : r.results()) {
        if (c.status() == CaseResult.Status.FAILED || c.status() == CaseResult.Status.ERROR) {
          summary.printf("  %s %s: %s%n", c.status().wireName(), c.test().id(), c.detail());
        }
      }
    }
    summary.printf(
        "conformance: %d/%d passed (%s): %s%n",
        t.passed(), t.tests() - t.skipped(), where, t.compliant() ? "compliant" : "NOT compliant");
    summary.flush();
    if (report != null) {
      String text =
          switch (report) {
            case "json" ->
                Json.MAPPER
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Reports.json(results, where))
                    + "\n";
            case "junit" -> Reports.junit(results, where);
            default -> Reports.markdown(results, where);
          };
      if (out == null) {
        stdout.print(text);
        stdout.flush();
      } else {
        Files.writeString(out, text, StandardCharsets.UTF_8);
      }
    }
    if (t.errors() > 0) {
      return 2;
    }
    return t.compliant() ? 0 : 1;
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (packs.isEmpty() && !all) {
      throw new CommandLine.ParameterException(cl, "missing --pack or --all");
    }
    if (embedded && target != null) {
      throw new CommandLine.ParameterException(cl, "--embedded and --target exclude each other");
    }
    if (!engine.equals("wasm") && !engine.equals("opa-grpc")) {
      throw new CommandLine.ParameterException(cl, "--engine: expected wasm or opa-grpc");
    }
    if (engine.equals("opa-grpc") && opaAddr == null) {
      throw new CommandLine.ParameterException(cl, "--engine opa-grpc needs --opa-addr");
    }
    if (target == null && tokenFile != null) {
      throw new CommandLine.ParameterException(cl, "--token-file is for --target");
    }
    if (target != null && (policyBundle != null || opaAddr != null)) {
      throw new CommandLine.ParameterException(
          cl, "--policy-bundle and --opa-addr are for --embedded, not --target");
    }
    if (report != null && !List.of("json", "junit", "markdown").contains(report)) {
      throw new CommandLine.ParameterException(cl, "--report: expected json, junit or markdown");
    }
    if (out != null && report == null) {
      throw new CommandLine.ParameterException(cl, "--out needs --report");
    }
  }
}
