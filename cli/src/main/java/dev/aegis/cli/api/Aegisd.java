package dev.aegis.cli.api;

import dev.aegis.cli.Logging;
import dev.aegis.cli.Version;
import dev.aegis.cli.metrics.PrometheusMetrics;
import dev.aegis.cli.proxy.GuardFactory;
import dev.aegis.cli.proxy.GuardSettings;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.metrics.MeteredChainStore;
import dev.aegis.store.BodyKeys;
import dev.aegis.store.ChainStores;
import dev.aegis.transport.http.TlsFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aegisd}: the control API alone, over a chain store, a manifest and a policy engine. */
@Command(
    name = "aegisd",
    mixinStandardHelpOptions = true,
    versionProvider = Aegisd.VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Serves the Aegis control API (docs/api.md): event ingest with server-side policy"
          + " gating, decide, snapshot, verify, approvals, health and Prometheus metrics.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisd --store sqlite:aegis.db --manifest manifest.json",
      "  AEGIS_API_TOKENS=s3cret aegisd --listen 0.0.0.0:8787 --store postgresql://aegis@db/aegis",
      "",
      "Exit codes: 143 after SIGTERM, 130 after SIGINT; 2 bad flags or config; 69 store unavailable or the"
          + " address cannot be bound."
    })
public final class Aegisd implements Callable<Integer> {
  /** The default listen address: loopback only. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:8787";

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address to serve on (default: " + DEFAULT_LISTEN + ").")
  String listen = DEFAULT_LISTEN;

  @Option(
      names = "--store",
      paramLabel = "URL",
      description =
          "Chain store: sqlite:PATH or postgresql://… (default: $AEGIS_STORE, else the"
              + " per-user store aegis-proxy writes).")
  String store;

  @Option(
      names = "--body-keys",
      paramLabel = "DIR",
      description =
          "Per-tenant keys encrypting stored frame bodies (as aegis-proxy --body-keys; default:"
              + " $AEGIS_BODY_KEYS, else bodies in clear).")
  Path bodyKeys;

  @Option(names = "--manifest", paramLabel = "FILE", description = "Capability manifest.")
  Path manifest;

  @Option(names = "--policy-bundle", paramLabel = "FILE", description = "OPA Wasm bundle.")
  Path policyBundle;

  @Option(
      names = "--policy-engine",
      paramLabel = "ENGINE",
      description = "wasm (default) or opa-grpc.")
  String policyEngine = "wasm";

  @Option(names = "--opa-addr", paramLabel = "HOST:PORT", description = "OPA sidecar (opa-grpc).")
  String opaAddr;

  @Option(names = "--trust", paramLabel = "MODE", description = "dev (default) or prod.")
  String trust = "dev";

  @Option(
      names = "--trusted-key",
      paramLabel = "FILE",
      description = "Public key trusted to sign manifests (repeatable).")
  List<Path> trustedKeys = new ArrayList<>();

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Bearer tokens, one per line; also $"
              + BearerTokens.ENV
              + " (comma-separated). With any token, every endpoint but /healthz and /readyz"
              + " needs one.")
  Path tokenFile;

  @Mixin TlsOptions tls = new TlsOptions();

  @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug.")
  String logLevel = "info";

  /** Entry point of {@code bin/aegisd}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Aegisd()).execute(args));
  }

  /** Counted down once the API, the engine and the store are closed. */
  private final CountDownLatch closed = new CountDownLatch(1);

  @Override
  public Integer call() {
    try {
      return run();
    } finally {
      closed.countDown();
    }
  }

  private static void awaitQuietly(CountDownLatch latch, long seconds) {
    try {
      latch.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Integer run() {
    InetSocketAddress address;
    BearerTokens tokens;
    TlsFiles tlsFiles;
    GuardSettings guard;
    try {
      Logging.configure(logLevel);
      address = ListenAddress.parse("listen", listen);
      tokens = BearerTokens.load(tokenFile, System.getenv(BearerTokens.ENV));
      tlsFiles = TlsFlags.files("", tls.cert, tls.key, tls.clientCa);
      if (!policyEngine.equals("wasm") && !policyEngine.equals("opa-grpc")) {
        throw new IllegalArgumentException(
            "policy-engine: " + policyEngine + " (expected: wasm or opa-grpc)");
      }
      guard =
          new GuardSettings(
              manifest,
              policyBundle,
              policyEngine,
              opaAddr,
              Duration.ofMillis(250),
              opaBundleDirs(),
              trust,
              trustedKeys);
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    ChainStore raw;
    try {
      raw =
          ChainStores.open(
              store != null ? store : ChainStores.defaultUrl(),
              Durability.FULL,
              bodyKeys == null ? null : BodyKeys.in(bodyKeys));
    } catch (ChainStoreException e) {
      System.err.println("aegisd: " + e.getMessage());
      return e.reason() == ChainStoreException.Reason.STORE_CONFIG ? 2 : 69;
    }
    try (raw) {
      PrometheusMetrics metrics = new PrometheusMetrics();
      GuardFactory guards;
      try {
        guards = GuardFactory.create(guard, metrics);
      } catch (IllegalArgumentException e) {
        return usage(e.getMessage());
      }
      try {
        return serve(address, tokens, tlsFiles, raw, guards, metrics);
      } finally {
        guards.close();
      }
    }
  }

  private Integer serve(
      InetSocketAddress address,
      BearerTokens tokens,
      TlsFiles tls,
      ChainStore raw,
      GuardFactory guards,
      PrometheusMetrics metrics) {
    MeteredChainStore store = new MeteredChainStore(raw, metrics);
    metrics.sealingQueue(store, MeteredChainStore::queued);
    ApiContext ctx = new ApiContext(store, raw, guards, metrics, InstantSource.system());
    ControlApi api;
    try {
      api = ControlApi.start(address, ctx, tokens, tls);
    } catch (IOException e) {
      System.err.println("aegisd: cannot listen on " + listen + ": " + e.getMessage());
      return 69;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  awaitQuietly(closed, 10); // let main close the API, engine and store first
                },
                "aegisd-stop"));
    InetSocketAddress bound = api.address();
    System.err.println(
        "aegisd: listening on "
            + (api.secure() ? "https://" : "http://")
            + bound.getHostString()
            + ":"
            + bound.getPort()
            + " store "
            + raw.describe()
            + (tokens.required() ? " (bearer tokens required)" : "")
            + (tls != null && tls.mutual() ? " (client certificates required)" : ""));
    try (api) {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static List<Path> opaBundleDirs() {
    Path home = Path.of(System.getProperty("aegis.home", "."));
    return List.of(home.resolve("policies/aegis"), home.resolve("policies/envoy"));
  }

  private static int usage(String message) {
    PrintWriter err = new PrintWriter(System.err, true);
    err.println("aegisd: " + message);
    err.println("Try 'aegisd --help' for more information.");
    return 2;
  }

  /** Supplies --version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"aegisd " + Version.get()};
    }
  }
}
