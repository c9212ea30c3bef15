package dev.aegis.cli.proxy;

import dev.aegis.cli.ConfigFile;
import dev.aegis.cli.Sizes;
import dev.aegis.cli.Version;
import dev.aegis.cli.api.ListenAddress;
import dev.aegis.cli.api.TlsFlags;
import dev.aegis.cli.api.TlsOptions;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.checkpoint.Checkpointer;
import dev.aegis.core.pipeline.RateLimits;
import dev.aegis.store.ChainStores;
import dev.aegis.transport.http.HttpHardening;
import dev.aegis.transport.http.HttpUpstreamConfig;
import dev.aegis.transport.http.TlsFiles;
import dev.aegis.transport.stdio.StdioProxyConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code aegis-proxy} command: flags, config file and defaults merged into settings. */
@Command(
    name = "aegis-proxy",
    mixinStandardHelpOptions = true,
    versionProvider = AegisProxy.VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Wraps a stdio MCP server (or, with --listen, fronts a Streamable HTTP one; with --upstream"
          + " alone, relays a stdio client to a Streamable HTTP server): relays every"
          + " JSON-RPC frame byte for byte and seals each one, in both directions, into a"
          + " tamper-evident hash chain.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegis-proxy -- npx -y @modelcontextprotocol/server-everything",
      "  aegis-proxy --store sqlite:/var/lib/aegis/chain.db --tenant acme -- ./server",
      "  aegis-proxy --store postgresql://aegis@db:5432/aegis -- ./server",
      "  aegis-proxy --listen 127.0.0.1:8080 --upstream http://127.0.0.1:3001/mcp",
      "  aegis-proxy --listen 127.0.0.1:8080 -- ./server   (a stdio server over HTTP)",
      "  aegis-proxy --upstream https://mcp.example.com/mcp   (stdio to an HTTP server)",
      "",
      "In an MCP client config, put the server's command after \"--\":",
      "  \"command\": \"aegis-proxy\", \"args\": [\"--\", \"npx\", \"-y\", \"server-x\"]",
      "",
      "stdout carries only MCP frames; logs go to stderr.",
      "Exit codes: the MCP server's exit code; 2 bad flags or config;",
      "69 store unavailable (or, with --upstream alone, the upstream went away);",
      "127 server command could not be started or --upstream could not be reached."
    })
public final class AegisProxy implements Callable<Integer> {
  static final Set<String> CONFIG_KEYS =
      Set.of(
          "store",
          "tenant",
          "user",
          "session",
          "durability",
          "max-frame-bytes",
          "shutdown-grace",
          "log-level",
          "checkpoint-every",
          "checkpoint-key",
          "manifest",
          "policy-bundle",
          "policy-engine",
          "opa-addr",
          "opa-deadline",
          "mode",
          "deny-as",
          "trust",
          "trust-annotations",
          "approval-hold",
          "approval-ttl",
          "approval-key",
          "upstream-id",
          "admin-listen",
          "admin-token-file",
          "listen",
          "upstream",
          "mcp-path",
          "session-idle",
          "shared-upstream",
          "tls-cert",
          "tls-key",
          "tls-client-ca",
          "allowed-origins",
          "max-body-bytes",
          "max-header-bytes",
          "admin-tls-cert",
          "admin-tls-key",
          "admin-tls-client-ca",
          "rate-limit",
          "upstream-ca",
          "body-keys",
          "approval-notify",
          "upstream-header",
          "opa-bundle-dir",
          "trusted-key");

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Chain store: sqlite:PATH or postgresql://USER@HOST:PORT/DB"
              + " (default: $AEGIS_STORE, else a per-user data directory).")
  String store;

  @Option(
      names = "--body-keys",
      paramLabel = "DIR",
      description =
          "Encrypt stored frame bodies at rest (AES-256-GCM) with per-tenant keys in DIR, created"
              + " as needed; deleting a tenant's key shreds its bodies (default: $AEGIS_BODY_KEYS,"
              + " else bodies in clear).")
  Path bodyKeys;

  @Option(names = "--tenant", paramLabel = "T", description = "Tenant id (default: default).")
  String tenant;

  @Option(names = "--user", paramLabel = "U", description = "User id recorded in every event.")
  String user;

  @Option(
      names = "--session",
      paramLabel = "S",
      description =
          "Session id; an existing session's chain is continued"
              + " (default: a new unique id, printed to stderr).")
  String session;

  @Option(
      names = "--durability",
      paramLabel = "full|normal",
      description =
          "full: fsync every group commit (default); normal: survives a process crash,"
              + " not power loss.")
  String durability;

  @Option(
      names = "--max-frame-bytes",
      paramLabel = "N",
      description = "Largest frame in either direction, e.g. 16MiB (default).")
  String maxFrameBytes;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      description = "Wait for the server after closing its stdin before TERM/KILL (default 5s).")
  String shutdownGrace;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description =
          "Capability manifest (aegis-manifest.json). Without one, every tools/call"
              + " is denied (PERMISSION_UNDECLARED).")
  Path manifest;

  @Option(
      names = "--policy-bundle",
      paramLabel = "PATH",
      description =
          "Custom policy: a .wasm or OPA bundle .tar.gz built with"
              + " 'opa build -t wasm -e aegis/decide/decision' (default: the built-in bundle).")
  Path policyBundle;

  @Option(
      names = "--policy-engine",
      paramLabel = "wasm|opa-grpc",
      description =
          "wasm (default): the bundle compiled to Wasm, in process; opa-grpc: an"
              + " opa-envoy-plugin sidecar over Envoy's ext_authz v3 gRPC API (--opa-addr).")
  String policyEngine;

  @Option(
      names = "--opa-addr",
      paramLabel = "HOST:PORT",
      description = "gRPC address of the opa-envoy-plugin sidecar (with --policy-engine opa-grpc).")
  String opaAddr;

  @Option(
      names = "--approval-hold",
      paramLabel = "DURATION",
      description =
          "How long a call under approval is held waiting for a decision (aegisctl approve, or"
              + " the user through elicitation) before the client gets APPROVAL_REQUIRED with a"
              + " token to retry with. Default 30s; 0 answers at once.")
  String approvalHold;

  @Option(
      names = "--approval-ttl",
      paramLabel = "DURATION",
      description = "How long an approval token or request state stays valid (default 10m).")
  String approvalTtl;

  @Option(
      names = "--approval-key",
      paramLabel = "FILE",
      description =
          "HMAC key for approval tokens and MRTR request states (64 hex digits; created if"
              + " missing). Default: approval.key in the per-user data directory. Proxies that"
              + " share a store should share the key.")
  Path approvalKey;

  @Option(
      names = "--approval-notify",
      paramLabel = "URL",
      description =
          "POST a JSON notice (with a chat-friendly text line) to this http(s) URL whenever a call"
              + " waits for an operator's approval; delivered in the background, retried twice.")
  String approvalNotify;

  @Option(
      names = "--opa-deadline",
      paramLabel = "DURATION",
      description =
          "Deadline of one sidecar decision; past it the call is denied"
              + " (POLICY_ERROR). Default 250ms.")
  String opaDeadline;

  @Option(
      names = "--opa-bundle-dir",
      paramLabel = "DIR",
      description =
          "Rego directories the sidecar serves, hashed into every decision's"
              + " bundle_sha256 (repeatable; default: this installation's policies/aegis and"
              + " policies/envoy).")
  List<Path> opaBundleDirs = new ArrayList<>();

  @Option(
      names = "--mode",
      paramLabel = "enforce|audit",
      description =
          "enforce (default) blocks what the policy denies; audit decides and seals"
              + " everything but blocks nothing.")
  String mode;

  @Option(
      names = "--deny-as",
      paramLabel = "result|error",
      description =
          "How a refused call is answered: a tool result with isError (default) or"
              + " the JSON-RPC errors -32000 (deny) / -32001 (approval).")
  String denyAs;

  @Option(
      names = "--trust",
      paramLabel = "dev|prod",
      description =
          "dev (default): unsigned manifests are used with a warning; prod: the"
              + " manifest must carry a valid signature by a --trusted-key.")
  String trust;

  @Option(
      names = "--trust-annotations",
      description =
          "Trust the server's tool annotations as first listed (pinned): a"
              + " destructiveHint makes the tool a high-risk sink for tainted sessions. Off by"
              + " default: annotations are the server's own claims.")
  Boolean trustAnnotations;

  @Option(
      names = "--upstream-id",
      paramLabel = "NAME",
      description =
          "Names the MCP server whose tool pins outlive sessions (default: stdio:CMD:DIGEST, a"
              + " digest of the server's command line).")
  String upstreamId;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description =
          "Seal a CHECKPOINT_CREATED event and store a checkpoint every N events (default"
              + " 1000); the TERMINATION event is always checkpointed.")
  String checkpointEvery;

  @Option(
      names = "--checkpoint-key",
      paramLabel = "PEM",
      description =
          "Ed25519 private key (PKCS#8 PEM, e.g. from aegisctl manifest keygen) that signs"
              + " checkpoints. Without one, checkpoints are stored unsigned.")
  Path checkpointKey;

  @Option(
      names = "--replay-from",
      paramLabel = "URL",
      description =
          "Serve the recorded --session of this chain store as an MCP server (a mock for"
              + " tests), on stdio or, with --listen, over Streamable HTTP: each request gets the"
              + " recorded answer to the same request; no CMD.")
  String replayFrom;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description =
          "Serve MCP over Streamable HTTP on this address (PORT alone binds 127.0.0.1) and relay"
              + " to --upstream; one chain per MCP session.")
  String listen;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description =
          "The upstream MCP server's Streamable HTTP endpoint, e.g. http://127.0.0.1:3001/mcp;"
              + " without --listen the proxy serves stdio to the client and relays to it.")
  String upstream;

  @Option(
      names = "--upstream-header",
      paramLabel = "'NAME: VALUE'",
      description =
          "Without --listen: a header sent on every request to --upstream, e.g. 'Authorization:"
              + " Bearer …'; repeatable; never logged or sealed.")
  List<String> upstreamHeaders = new ArrayList<>();

  @Option(
      names = "--mcp-path",
      paramLabel = "PATH",
      description = "Path of the proxy's MCP endpoint with --listen (default /mcp).")
  String mcpPath;

  @Option(
      names = "--session-idle",
      paramLabel = "DURATION",
      description =
          "With --listen: an MCP session without traffic this long is closed and its"
              + " termination sealed (default 30m).")
  String sessionIdle;

  @Option(
      names = "--shared-upstream",
      description =
          "With --listen … -- CMD: one server process for every MCP session instead of one each"
              + " (request ids and progress tokens are rewritten per session).")
  Boolean sharedUpstream;

  @Option(
      names = "--trusted-key",
      paramLabel = "PEM",
      description = "Ed25519 public key (PEM) trusted to sign manifests; repeatable.")
  List<Path> trustedKeys = new ArrayList<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "aegis.yaml whose keys mirror these flags (flags win).")
  Path config;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "error, warn, info (default) or debug; logs go to stderr.")
  String logLevel;

  @Option(
      names = "--admin-listen",
      paramLabel = "HOST:PORT",
      description =
          "Serve the control API (health, readiness, metrics, docs/api.md) on this address;"
              + " off by default. Keep it on loopback or set tokens.")
  String adminListen;

  @Option(
      names = "--admin-token-file",
      paramLabel = "FILE",
      description = "Bearer tokens for --admin-listen, one per line (also $AEGIS_API_TOKENS).")
  Path adminTokenFile;

  @Option(
      names = "--admin-tls-cert",
      paramLabel = "PEM",
      description = "Serve --admin-listen over HTTPS with this certificate chain.")
  String adminTlsCert;

  @Option(
      names = "--admin-tls-key",
      paramLabel = "PEM",
      description = "PKCS#8 private key of --admin-tls-cert.")
  String adminTlsKey;

  @Option(
      names = "--admin-tls-client-ca",
      paramLabel = "PEM",
      description = "Require control API clients to present a certificate from these CAs.")
  String adminTlsClientCa;

  @Mixin TlsOptions tls = new TlsOptions();

  @Option(
      names = "--rate-limit",
      paramLabel = "SPEC",
      description =
          "Token buckets for tools/call, e.g. tenant=100/s,tool=20/s,tool:exec=5/m; a call over"
              + " a limit is refused with RATE_LIMITED.")
  String rateLimit;

  @Option(
      names = "--allowed-origins",
      paramLabel = "ORIGINS",
      description =
          "With --listen: browser origins (scheme://host[:port], comma-separated, or *) allowed"
              + " besides loopback ones on a loopback listener; others get 403.")
  String allowedOrigins;

  @Option(
      names = "--upstream-ca",
      paramLabel = "PEM",
      description =
          "CA certificates trusted for an https --upstream (default: the JDK's trust store).")
  Path upstreamCa;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "SIZE",
      description = "With --listen: largest request body, else 413 (default: --max-frame-bytes).")
  String maxBodyBytes;

  @Option(
      names = "--max-header-bytes",
      paramLabel = "SIZE",
      description = "With --listen: largest request header block, else 431 (default 64k).")
  String maxHeaderBytes;

  @Parameters(
      paramLabel = "CMD",
      arity = "0..*",
      description = "The MCP server command and its arguments, after --.")
  List<String> command = new ArrayList<>();

  private final ProxyLauncher launcher;

  /** A command that runs the proxy with the given launcher. */
  AegisProxy(ProxyLauncher launcher) {
    this.launcher = launcher;
  }

  /** Entry point of {@code bin/aegis-proxy}. */
  public static void main(String[] args) {
    ProxyLauncher launcher = ProxyLauncher.forProcess();
    CommandLine cl = new CommandLine(new AegisProxy(launcher));
    cl.setStopAtPositional(true);
    cl.setOut(new java.io.PrintWriter(System.err, true));
    int code = cl.execute(args);
    launcher.exit(code);
  }

  @Override
  public Integer call() {
    if (replayFrom != null) {
      if (session == null || !command.isEmpty()) {
        System.err.println("aegis-proxy: --replay-from needs --session and no server command");
        return 2;
      }
      String t = tenant == null ? ProxySettings.DEFAULT_TENANT : tenant;
      return listen == null
          ? launcher.serveRecording(replayFrom, t, session)
          : launcher.serveRecordingHttp(
              replayFrom, t, session, listen, mcpPath == null ? "/mcp" : mcpPath);
    }
    ProxySettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      System.err.println("aegis-proxy: " + e.getMessage());
      System.err.println("Try 'aegis-proxy --help' for more information.");
      return 2;
    }
    return launcher.run(settings);
  }

  ProxySettings settings() {
    ConfigFile file = config == null ? ConfigFile.empty() : ConfigFile.load(config, CONFIG_KEYS);
    String sessionValue = file.pick(session, "session", null);
    boolean generated = sessionValue == null;
    String storeUrl = file.pick(store, "store", null);
    List<Path> opaDirs = paths(file, opaBundleDirs, "opa-bundle-dir");
    return new ProxySettings(
        storeUrl == null ? ChainStores.defaultUrl() : storeUrl,
        file.pick(tenant, "tenant", ProxySettings.DEFAULT_TENANT),
        file.pick(user, "user", ""),
        generated ? SessionIds.next() : sessionValue,
        generated,
        Durability.parse(file.pick(durability, "durability", "full")),
        toInt(
            Sizes.bytes(
                "max-frame-bytes",
                file.pick(
                    maxFrameBytes,
                    "max-frame-bytes",
                    String.valueOf(StdioProxyConfig.DEFAULT_MAX_FRAME_BYTES)))),
        Sizes.duration(
            "shutdown-grace",
            file.pick(
                shutdownGrace,
                "shutdown-grace",
                StdioProxyConfig.DEFAULT_SHUTDOWN_GRACE.toMillis() + "ms")),
        file.pick(logLevel, "log-level", "info"),
        pathOrNull(file.pick(manifest == null ? null : manifest.toString(), "manifest", null)),
        pathOrNull(
            file.pick(
                policyBundle == null ? null : policyBundle.toString(), "policy-bundle", null)),
        choice(
            "policy-engine", file.pick(policyEngine, "policy-engine", "wasm"), "wasm", "opa-grpc"),
        file.pick(opaAddr, "opa-addr", null),
        Sizes.duration("opa-deadline", file.pick(opaDeadline, "opa-deadline", "250ms")),
        opaDirs.isEmpty() ? defaultOpaDirs() : opaDirs,
        choice("mode", file.pick(mode, "mode", "enforce"), "enforce", "audit").equals("audit"),
        choice("deny-as", file.pick(denyAs, "deny-as", "result"), "result", "error")
            .equals("error"),
        Boolean.parseBoolean(
            file.pick(
                trustAnnotations == null ? null : trustAnnotations.toString(),
                "trust-annotations",
                "false")),
        choice("trust", file.pick(trust, "trust", "dev"), "dev", "prod"),
        paths(file, trustedKeys, "trusted-key"),
        Sizes.duration("approval-hold", file.pick(approvalHold, "approval-hold", "30s")),
        Sizes.duration("approval-ttl", file.pick(approvalTtl, "approval-ttl", "10m")),
        pathOrNull(
            file.pick(approvalKey == null ? null : approvalKey.toString(), "approval-key", null)),
        file.pick(upstreamId, "upstream-id", null),
        checkpointEvery(file.pick(checkpointEvery, "checkpoint-every", null)),
        pathOrNull(
            file.pick(
                checkpointKey == null ? null : checkpointKey.toString(), "checkpoint-key", null)),
        http(file, frameLimit(file)),
        httpUpstream(file, frameLimit(file)),
        command,
        adminAddress(file.pick(adminListen, "admin-listen", null)),
        pathOrNull(
            file.pick(
                adminTokenFile == null ? null : adminTokenFile.toString(),
                "admin-token-file",
                null)),
        TlsFlags.files(
            "admin-",
            file.pick(adminTlsCert, "admin-tls-cert", null),
            file.pick(adminTlsKey, "admin-tls-key", null),
            file.pick(adminTlsClientCa, "admin-tls-client-ca", null)),
        RateLimits.parse(file.pick(rateLimit, "rate-limit", null)),
        pathOrNull(file.pick(bodyKeys == null ? null : bodyKeys.toString(), "body-keys", null)),
        notifyUrl(file.pick(approvalNotify, "approval-notify", null)));
  }

  private static URI notifyUrl(String value) {
    if (value == null) {
      return null;
    }
    try {
      URI u = new URI(value.strip());
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "approval-notify: " + value + " (expected: an http:// or https:// URL)");
  }

  private static java.net.InetSocketAddress adminAddress(String value) {
    return value == null ? null : ListenAddress.parse("admin-listen", value);
  }

  private static int checkpointEvery(String value) {
    if (value == null) {
      return Checkpointer.DEFAULT_EVERY;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "checkpoint-every: " + value + " (expected: a whole number > 0)");
    }
  }

  private int frameLimit(ConfigFile file) {
    return toInt(
        Sizes.bytes(
            "max-frame-bytes",
            file.pick(
                maxFrameBytes,
                "max-frame-bytes",
                String.valueOf(StdioProxyConfig.DEFAULT_MAX_FRAME_BYTES))));
  }

  private HttpSettings http(ConfigFile file, int frameLimit) {
    String listenValue = file.pick(listen, "listen", null);
    String upstreamValue = file.pick(upstream, "upstream", null);
    TlsFiles tls =
        TlsFlags.files(
            "",
            file.pick(this.tls.cert, "tls-cert", null),
            file.pick(this.tls.key, "tls-key", null),
            file.pick(this.tls.clientCa, "tls-client-ca", null));
    String origins = file.pick(allowedOrigins, "allowed-origins", null);
    String bodyLimit = file.pick(maxBodyBytes, "max-body-bytes", null);
    String headerLimit = file.pick(maxHeaderBytes, "max-header-bytes", null);
    if (listenValue == null
        && (tls != null || origins != null || bodyLimit != null || headerLimit != null)) {
      throw new IllegalArgumentException(
          "tls-cert, tls-key, tls-client-ca, allowed-origins, max-body-bytes, max-header-bytes:"
              + " given without --listen (expected: only with the HTTP gateway)");
    }
    if (listenValue == null) {
      return null; // stdio to the client: httpUpstream() takes --upstream
    }
    if (!upstreamHeaders(file).isEmpty()) {
      throw new IllegalArgumentException(
          "upstream-header: given with --listen (expected: only with --upstream and no --listen;"
              + " the gateway forwards the client's own headers)");
    }
    return HttpSettings.parse(
        listenValue,
        upstreamValue,
        file.pick(mcpPath, "mcp-path", "/mcp"),
        Sizes.duration("session-idle", file.pick(sessionIdle, "session-idle", "30m")),
        new HttpHardening(
            tls,
            origins == null || origins.isBlank() ? List.of() : List.of(origins.split(",")),
            bodyLimit == null ? frameLimit : toInt(Sizes.bytes("max-body-bytes", bodyLimit)),
            headerLimit == null
                ? HttpHardening.DEFAULT_MAX_HEADER_BYTES
                : toInt(Sizes.bytes("max-header-bytes", headerLimit)),
            pathOrNull(
                file.pick(upstreamCa == null ? null : upstreamCa.toString(), "upstream-ca", null))),
        Boolean.parseBoolean(
            file.pick(
                sharedUpstream == null ? null : sharedUpstream.toString(),
                "shared-upstream",
                "false")));
  }

  /** {@code --upstream} without {@code --listen}: stdio to the client, HTTP to the server. */
  private HttpUpstreamConfig httpUpstream(ConfigFile file, int frameLimit) {
    String upstreamValue = file.pick(upstream, "upstream", null);
    if (file.pick(listen, "listen", null) != null || upstreamValue == null) {
      return null;
    }
    URI url;
    try {
      url = new URI(upstreamValue);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream: not a URL (" + e.getReason() + ")");
    }
    return new HttpUpstreamConfig(
        url,
        upstreamHeaders(file).stream().map(HttpUpstreamConfig.Header::parse).toList(),
        pathOrNull(
            file.pick(upstreamCa == null ? null : upstreamCa.toString(), "upstream-ca", null)),
        frameLimit);
  }

  /** The flags' headers, else the file's (one {@code Name: value} per line). */
  private List<String> upstreamHeaders(ConfigFile file) {
    return file.pickAll(upstreamHeaders, "upstream-header");
  }

  /** Paths of a repeatable flag, else of the file's list under {@code key}. */
  private static List<Path> paths(ConfigFile file, List<Path> flags, String key) {
    List<String> given = flags.stream().map(Path::toString).toList();
    return file.pickAll(given, key).stream().map(Path::of).toList();
  }

  private static List<Path> defaultOpaDirs() {
    Path home = Path.of(System.getProperty("aegis.home", "."));
    return List.of(home.resolve("policies/aegis"), home.resolve("policies/envoy"));
  }

  private static Path pathOrNull(String s) {
    return s == null ? null : Path.of(s);
  }

  private static String choice(String name, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        name + ": " + value + " (expected: " + String.join(" or ", allowed) + ")");
  }

  private static int toInt(long n) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("max-frame-bytes: " + n + " (expected: < 2GiB)");
    }
    return (int) n;
  }

  /** Supplies --version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"aegis-proxy " + Version.get()};
    }
  }
}
