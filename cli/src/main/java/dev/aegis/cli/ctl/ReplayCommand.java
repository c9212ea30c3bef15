package dev.aegis.cli.ctl;

import dev.aegis.cli.replay.DiffReport;
import dev.aegis.cli.replay.LiveReplay;
import dev.aegis.cli.replay.ReplayException;
import dev.aegis.cli.replay.ReplayRunner;
import dev.aegis.cli.replay.WhatIfReport;
import dev.aegis.core.approval.ApprovalSigner;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.json.Json;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ManifestException;
import dev.aegis.guard.manifest.ManifestLoader;
import dev.aegis.guard.policy.PolicyBundle;
import dev.aegis.guard.policy.PolicyLoadException;
import dev.aegis.guard.policy.WasmEngineConfig;
import dev.aegis.guard.policy.WasmPolicyEngine;
import dev.aegis.policy.grpc.OpaGrpcConfig;
import dev.aegis.policy.grpc.OpaGrpcPolicyEngine;
import dev.aegis.transport.stdio.StdioProxyConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aegisctl replay}: re-runs recorded sessions through the guard, exactly or as a what-if, or
 * re-issues their tool calls to a live server.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header =
        "Replays recorded sessions through the proxy's core and guard, from the chain alone, or"
            + " against a live server.",
    description = {
      "exact: feeds a session's recorded frames (the client's, and the server's answers standing in"
          + " for the server) through the same core and guard, with time taken from the recorded"
          + " events, and compares every event, decision, snapshot and proxy-written frame with"
          + " the recording. --manifest and --bundle must be the ones recorded (their digests are"
          + " checked; --force replays anyway and reports the differences).",
      "what-if: replays one session, or every session that started in [--since, --until), under"
          + " the given --manifest/--bundle and lists every call that would be decided"
          + " differently.",
      "live: re-issues the session's recorded tools/calls that reached the server to a live"
          + " server (-- CMD, or --upstream URL), initialized with the recorded initialize params,"
          + " and diffs each answer with the recorded one semantically; not through the guard (the"
          + " recorded decisions are the filter). See docs/replay.md for what is compared and what"
          + " is not."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl replay --session 7f3c --manifest aegis-manifest.json",
      "  aegisctl replay --session 7f3c --manifest m.json --json | jq .diffs",
      "  aegisctl replay --mode what-if --manifest stricter.json --since 2026-11-19T00:00:00Z",
      "  aegisctl replay --mode live --session 7f3c --ignore '/content/*/text' -- npx -y server-x"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:exact, live: identical; what-if: no decision would change",
      "1:exact, live: differences; what-if: some decision would change",
      "2:usage or configuration error, unreadable store, a guard that does not match the"
          + " recording (exact, without --force), a recording that cannot be replayed, or a live"
          + " server that cannot start or stops answering"
    })
final class ReplayCommand implements Callable<Integer> {
  /** Per-decision deadline of a replay's engine. */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  @Mixin StoreOptions where;

  @Option(names = "--session", paramLabel = "S", description = "The session to replay.")
  String session;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "exact",
      description = "exact (default), what-if or live.")
  String mode;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description = "The capability manifest (exact: the recorded one; what-if: the new one).")
  Path manifest;

  @Option(
      names = "--bundle",
      paramLabel = "FILE",
      description = "Policy bundle (.wasm or OPA .tar.gz) for the Wasm engine (default: built-in).")
  Path bundle;

  @Option(
      names = "--policy-engine",
      paramLabel = "ENGINE",
      defaultValue = "wasm",
      description = "wasm (default) or opa-grpc (an OPA sidecar at --opa-addr).")
  String engine;

  @Option(names = "--opa-addr", paramLabel = "HOST:PORT", description = "The OPA sidecar.")
  String opaAddr;

  @Option(
      names = "--opa-bundle-dir",
      paramLabel = "DIR",
      description =
          "Rego directories the sidecar serves, for its bundle digest, as given to aegis-proxy"
              + " (default: the installation's policies/aegis and policies/envoy); repeatable.")
  List<Path> opaBundleDirs = new ArrayList<>();

  @Option(
      names = "--approval-key",
      paramLabel = "FILE",
      description = "The proxy's approval key, to accept its recorded MRTR request states.")
  Path approvalKey;

  @Option(
      names = "--trust-annotations",
      description = "Replay as a proxy started with --trust-annotations.")
  boolean trustAnnotations;

  @Option(
      names = "--force",
      description = "exact: replay even though the guard's digests differ from the recorded ones.")
  boolean force;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "what-if: sessions that started at or after TIME (ISO-8601 or epoch ms).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "what-if: sessions that started before TIME (ISO-8601 or epoch ms).")
  String until;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description = "live: the Streamable HTTP endpoint of the live server (instead of -- CMD).")
  URI upstream;

  @Option(
      names = "--allow-destructive",
      description = "live: also re-issue calls to tools the recorded catalog marks destructive.")
  boolean allowDestructive;

  @Option(
      names = "--ignore",
      paramLabel = "[TOOL:]POINTER",
      description =
          "live: skip this JSON pointer into each result (* matches any index or key, e.g."
              + " /content/*/text; TOOL: limits it to one tool's results); repeatable.")
  List<String> ignore = new ArrayList<>();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = ManifestInitTimeout.class,
      description = "live: how long to wait for each answer: 500ms, 30s, 2m (default: 60s).")
  Duration timeout = Duration.ofSeconds(60);

  @Parameters(
      arity = "0..*",
      paramLabel = "CMD",
      description = "live: the stdio server's command and arguments, after --.")
  List<String> command = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (mode.equals("live")) {
      return live();
    }
    boolean exact = mode.equals("exact");
    if (!exact && !mode.equals("what-if")) {
      throw usage("--mode: " + mode + " (expected: exact, what-if or live)");
    }
    if (!command.isEmpty() || upstream != null || !ignore.isEmpty() || allowDestructive) {
      throw usage(
          "a server command, --upstream, --ignore and --allow-destructive need --mode live");
    }
    if (exact && session == null) {
      throw usage("exact replay needs --session");
    }
    if (!exact && session == null && since == null && until == null) {
      throw usage("what-if needs --session, or --since/--until");
    }
    Manifest m = manifest == null ? null : loadManifest();
    String tenant = where.tenantOrDefault();
    try (ChainStore store = where.open();
        PolicyEngine policy = engine()) {
      ReplayRunner runner = new ReplayRunner(policy, m, trustAnnotations, signer());
      PrintWriter out = spec.commandLine().getOut();
      if (exact) {
        List<String> mismatches = runner.mismatches(store, tenant, session);
        if (!mismatches.isEmpty() && !force) {
          throw new CtlException(
              "the guard given differs from the one session "
                  + session
                  + " was recorded with ("
                  + String.join("; ", mismatches)
                  + "): pass the recorded --manifest/--bundle/--policy-engine, or --force to"
                  + " replay anyway and see the differences");
        }
        DiffReport report = runner.exact(store, tenant, session);
        out.print(json ? Json.write(report.toJson()) + "\n" : report.toText());
        out.flush();
        return report.identical() ? AegisCtl.EXIT_OK : AegisCtl.EXIT_INVALID;
      }
      WhatIfReport report = runner.whatIf(store, tenant, sessions(store, tenant));
      out.print(json ? Json.write(report.toJson()) + "\n" : report.toText());
      out.flush();
      return report.changed() == 0 ? AegisCtl.EXIT_OK : AegisCtl.EXIT_INVALID;
    } catch (ReplayException e) {
      throw new CtlException(e.getMessage());
    }
  }

  private int live() throws InterruptedException {
    if (session == null) {
      throw usage("live replay needs --session");
    }
    if (command.isEmpty() == (upstream == null)) {
      throw usage("live replay needs the server: -- CMD [ARGS...] or --upstream URL (one of them)");
    }
    LiveReplay replay;
    try {
      replay = new LiveReplay(new LiveReplay.Options(ignore, allowDestructive, timeout));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    try (ChainStore store = where.open()) {
      DiffReport report =
          replay.run(
              store,
              where.tenantOrDefault(),
              session,
              new LiveReplay.Server(command, upstream, StdioProxyConfig.DEFAULT_MAX_FRAME_BYTES));
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? Json.write(report.toJson()) + "\n" : report.toText());
      out.flush();
      return report.identical() ? AegisCtl.EXIT_OK : AegisCtl.EXIT_INVALID;
    } catch (ReplayException e) {
      throw new CtlException(e.getMessage());
    }
  }

  private List<String> sessions(ChainStore store, String tenant) {
    if (session != null) {
      return List.of(session);
    }
    long from = since == null ? Long.MIN_VALUE : time("--since", since);
    long to = until == null ? Long.MAX_VALUE : time("--until", until);
    List<String> out = new ArrayList<>();
    for (SessionSummary s : store.sessions(tenant)) {
      if (s.firstTsUnixMs() >= from && s.firstTsUnixMs() < to) {
        out.add(s.sessionId());
      }
    }
    return out;
  }

  private long time(String flag, String value) {
    try {
      return value.matches("\\d+") ? Long.parseLong(value) : Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw usage(flag + ": " + value + " (expected: ISO-8601 such as 2026-11-19T00:00:00Z)");
    }
  }

  private Manifest loadManifest() {
    try {
      return ManifestLoader.load(manifest);
    } catch (ManifestException e) {
      throw new CtlException(
          "manifest " + manifest + " is invalid:\n  " + String.join("\n  ", e.problems()));
    } catch (IOException e) {
      throw new CtlException("manifest: cannot read " + manifest + ": " + CtlErrors.describe(e));
    }
  }

  private PolicyEngine engine() {
    if (engine.equals("opa-grpc")) {
      if (opaAddr == null) {
        throw usage("--policy-engine opa-grpc needs --opa-addr");
      }
      try {
        List<Path> dirs = opaBundleDirs.isEmpty() ? defaultOpaDirs() : opaBundleDirs;
        return OpaGrpcPolicyEngine.connect(new OpaGrpcConfig(opaAddr, DEADLINE, dirs));
      } catch (RuntimeException e) {
        throw new CtlException("opa-grpc: " + e.getMessage());
      }
    }
    if (!engine.equals("wasm")) {
      throw usage("--policy-engine: " + engine + " (expected: wasm or opa-grpc)");
    }
    try {
      PolicyBundle b = bundle == null ? PolicyBundle.builtIn() : PolicyBundle.read(bundle);
      // offline: a slow machine must not turn a decision into a deadline's POLICY_ERROR
      return WasmPolicyEngine.load(b, WasmEngineConfig.defaults().withDeadline(DEADLINE));
    } catch (PolicyLoadException e) {
      throw new CtlException("bundle: " + e.getMessage());
    }
  }

  /** The Rego directories aegis-proxy hashes by default: the installation's own. */
  private static List<Path> defaultOpaDirs() {
    Path home = Path.of(System.getProperty("aegis.home", "."));
    return List.of(home.resolve("policies/aegis"), home.resolve("policies/envoy"));
  }

  private ApprovalSigner signer() {
    if (approvalKey == null) {
      return new ApprovalSigner(ApprovalSigner.newKey());
    }
    try {
      String text = Files.readString(approvalKey, StandardCharsets.US_ASCII).strip();
      if (!text.matches("[0-9a-fA-F]{64,}")) {
        throw new CtlException("approval-key: " + approvalKey + " does not hold a key");
      }
      return new ApprovalSigner(HexFormat.of().parseHex(text.toLowerCase(Locale.ROOT)));
    } catch (IOException e) {
      throw new CtlException("approval-key: " + approvalKey + ": " + CtlErrors.describe(e));
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
