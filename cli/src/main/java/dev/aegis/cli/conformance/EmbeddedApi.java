package dev.aegis.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.api.ApiContext;
import dev.aegis.cli.api.BearerTokens;
import dev.aegis.cli.api.ControlApi;
import dev.aegis.cli.metrics.PrometheusMetrics;
import dev.aegis.cli.proxy.GuardFactory;
import dev.aegis.cli.proxy.GuardSettings;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The control API run in this process for {@code --embedded}: the real routes, ingest, reducer
 * ({@code SessionState}) and {@code PolicyGuard} over a SQLite chain store in a temporary directory
 * (deleted on close), on an ephemeral loopback port, with the engine the proxy would use
 * (in-process Wasm, or the OPA sidecar) and the pack's session manifest. Close it to stop the
 * server and the engine. Not thread-safe to start.
 */
public final class EmbeddedApi implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final long DECIDE_TIMEOUT_S = 30;

  private final GuardFactory guards;
  private final ControlApi api;
  private final ChainStore store;
  private final Path dir;

  private EmbeddedApi(GuardFactory guards, ControlApi api, ChainStore store, Path dir) {
    this.guards = guards;
    this.api = api;
    this.store = store;
    this.dir = dir;
  }

  /**
   * Starts the API and waits until its engine is ready; {@code manifest} (the pack's session
   * manifest, or null) is written to a temporary file and loaded as aegisd would load it. A problem
   * the user can fix throws {@link IllegalArgumentException}; a server that does not come up throws
   * {@link IOException}.
   */
  public static EmbeddedApi start(
      JsonNode manifest,
      Path policyBundle,
      String engine,
      String opaAddr,
      List<Path> opaBundleDirs,
      HttpClient http)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("aegis-conformance-");
    Path file = null;
    if (manifest != null) {
      file = dir.resolve("manifest.json");
      Files.writeString(file, Json.MAPPER.writeValueAsString(manifest));
    }
    GuardFactory guards;
    try {
      guards =
          GuardFactory.create(
              new GuardSettings(
                  file,
                  policyBundle,
                  engine,
                  opaAddr,
                  Duration.ofSeconds(10),
                  opaBundleDirs,
                  "dev",
                  List.of()));
    } catch (RuntimeException e) {
      deleteQuietly(dir);
      throw e;
    }
    ChainStore store;
    try {
      store = ChainStores.open("sqlite:" + dir.resolve("chain.db"), Durability.NORMAL);
    } catch (RuntimeException e) {
      guards.close();
      deleteQuietly(dir);
      throw e;
    }
    ControlApi api;
    try {
      api =
          ControlApi.start(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              new ApiContext(store, store, guards, new PrometheusMetrics(), InstantSource.system()),
              BearerTokens.none(),
              null); // loopback inside this process: no TLS
    } catch (IOException | RuntimeException e) {
      guards.close();
      store.close();
      deleteQuietly(dir);
      throw e;
    }
    EmbeddedApi embedded = new EmbeddedApi(guards, api, store, dir);
    try {
      new PackRunner(http, embedded.base(), null, null).awaitReady(READY);
    } catch (IOException | InterruptedException | RuntimeException e) {
      embedded.close();
      throw e;
    }
    return embedded;
  }

  /**
   * Decides one stateless input with the engine the API uses, as the engine contract test does (the
   * input as given, whatever its shape); a failed or late decision is POLICY_ERROR.
   */
  public JsonNode decide(ObjectNode input) {
    try {
      return guards
          .engine()
          .decide(input)
          .orTimeout(DECIDE_TIMEOUT_S, TimeUnit.SECONDS)
          .exceptionally(t -> Decision.policyError())
          .join()
          .toJson();
    } catch (CompletionException e) {
      return Decision.policyError().toJson();
    }
  }

  /** The base URL of the running API. */
  public URI base() {
    InetSocketAddress a = api.address();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort());
  }

  /** Stops the server, the engine and the store and deletes the temporary directory. */
  @Override
  public void close() {
    api.close();
    guards.close();
    store.close();
    deleteQuietly(dir);
  }

  /** Deletes a temporary directory tree; a failure is only reported (on stderr). */
  static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("aegisctl: cannot delete " + dir + ": " + e.getMessage());
    }
  }
}
