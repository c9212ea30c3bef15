package dev.aegis.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines of the processes a run starts: the echo server (this JVM's java and classpath) and
 * the {@code bin/aegis-proxy} / {@code bin/aegisctl} launchers of the repository. Immutable.
 */
final class Launchers {
  /** JVM options of the echo server: the same serial GC as the proxy launcher uses. */
  static final List<String> ECHO_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xss512k");

  private final Path java;
  private final String classpath;
  private final Path proxy;
  private final Path aegisctl;

  Launchers(Path java, String classpath, Path proxy) {
    this.java = java;
    this.classpath = classpath;
    this.proxy = proxy;
    this.aegisctl = proxy.resolveSibling("aegisctl");
  }

  /** Launchers for this JVM, with the proxy at {@code proxy} or found in the repository. */
  static Launchers forThisJvm(Path proxy) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path p = proxy != null ? proxy.toAbsolutePath() : repoRoot().resolve("bin/aegis-proxy");
    return new Launchers(java, System.getProperty("java.class.path"), p);
  }

  /**
   * The repository root: above the bench jar or classes ({@code bench/target/...}), else the first
   * directory upwards from the working directory that holds {@code bin/aegis-proxy}.
   */
  static Path repoRoot() {
    try {
      Path code =
          Path.of(Launchers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path d = code; d != null; d = d.getParent()) {
        if (Files.isRegularFile(d.resolve("bin/aegis-proxy"))
            && Files.isDirectory(d.resolve("bench"))) {
          return d;
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no usable code source: fall back to the working directory
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path d = cwd; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/aegis-proxy"))) {
        return d;
      }
    }
    return cwd;
  }

  /** {@code java ... dev.aegis.bench.EchoServer}. */
  List<String> echoServer() {
    List<String> c = new ArrayList<>();
    c.add(java.toString());
    c.addAll(ECHO_JVM_OPTIONS);
    c.add("-cp");
    c.add(classpath);
    c.add(EchoServer.class.getName());
    return c;
  }

  /**
   * The manifest the proxied runs use: {@code echo} declared, budgets far above any run. The
   * harness repeats one identical call thousands of times, which loop detection rightly calls a
   * loop, so the proxy runs in {@code --mode audit}: every call is decided and sealed exactly as
   * when enforcing, and none is blocked.
   */
  static final String MANIFEST =
      "{\"schema\":\"aegis.dev/manifest/v0.1\",\"name\":\"bench-echo\",\"version\":\"1.0.0\","
          + "\"publisher\":\"aegis-bench\",\"permissions\":{\"tools\":[\"echo\"],\"budgets\":"
          + "{\"max_steps\":1000000000,\"max_tool_calls\":1000000000,"
          + "\"max_wall_time_ms\":86400000}}}";

  /**
   * {@code aegis-proxy --store sqlite:STORE --durability normal --manifest M --mode audit --listen
   * 127.0.0.1:PORT} followed by {@code tail} (the upstream, or {@code --} and a stdio server); the
   * manifest is written beside the store.
   */
  List<String> listening(Path store, int port, List<String> tail) {
    List<String> c = audited(store, "normal");
    c.addAll(List.of("--listen", "127.0.0.1:" + port));
    c.addAll(tail);
    return c;
  }

  /**
   * {@code aegis-proxy --store sqlite:STORE --durability D --manifest M --mode audit --session S --
   * <echo server>}; the manifest is written beside the store.
   */
  List<String> proxied(Path store, String durability, String session) {
    List<String> c = audited(store, durability);
    c.addAll(List.of("--session", session, "--"));
    c.addAll(echoServer());
    return c;
  }

  /** The proxy in audit mode with the bench manifest (written beside the store). */
  private List<String> audited(Path store, String durability) {
    Path manifest = store.resolveSibling("bench-manifest.json");
    try {
      Files.writeString(manifest, MANIFEST);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new ArrayList<>(
        List.of(
            proxy.toString(),
            "--store",
            "sqlite:" + store,
            "--durability",
            durability,
            "--manifest",
            manifest.toString(),
            "--mode",
            "audit"));
  }

  /** {@code aegisctl verify --store sqlite:STORE --session S}. */
  List<String> verify(Path store, String session) {
    return List.of(
        aegisctl.toString(), "verify", "--store", "sqlite:" + store, "--session", session);
  }

  Path proxy() {
    return proxy;
  }

  /** A short human form of a command: the classpath is elided. */
  static String display(List<String> command) {
    StringBuilder b = new StringBuilder();
    boolean cp = false;
    for (String a : command) {
      b.append(b.length() == 0 ? "" : " ").append(cp ? "<bench classpath>" : a);
      cp = a.equals("-cp");
    }
    return b.toString();
  }
}
