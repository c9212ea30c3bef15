package dev.aegis.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validated settings of one {@link EndToEnd} invocation; {@code out} and {@code proxy} may be null
 * (defaults).
 */
record E2eOptions(
    int calls,
    int warmup,
    int sessions,
    int payloadBytes,
    int pipelinedCalls,
    int window,
    List<Mode> modes,
    Path out,
    Path proxy,
    Duration timeout,
    boolean verify,
    boolean keepStores,
    boolean help) {
  static final int DEFAULT_CALLS = 5000;
  static final int DEFAULT_WARMUP = 2000;
  static final int DEFAULT_SESSIONS = 4;
  static final int DEFAULT_PAYLOAD_BYTES = 100;
  static final int DEFAULT_PIPELINED_CALLS = 20_000;
  static final int DEFAULT_WINDOW = 64;
  static final long DEFAULT_TIMEOUT_SECONDS = 300;
  static final String DEFAULT_MODES =
      "direct,normal,full,sessions-direct,sessions-normal,pipelined-direct,pipelined-normal,"
          + "pipelined-full";

  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -cp 'bench/target/lib/*' dev.aegis.bench.EndToEnd [options]",
          "Measures tools/call round trips against an echo MCP server, direct and through aegis-proxy.",
          "  --calls N           measured calls per session (default " + DEFAULT_CALLS + ")",
          "  --warmup N          discarded calls before measuring (default " + DEFAULT_WARMUP + ")",
          "  --sessions K        concurrent sessions in sessions-* modes (default "
              + DEFAULT_SESSIONS
              + ")",
          "  --payload-bytes B   length of the echoed text (default " + DEFAULT_PAYLOAD_BYTES + ")",
          "  --pipelined-calls N measured calls in pipelined-* modes (default "
              + DEFAULT_PIPELINED_CALLS
              + ")",
          "  --window W          calls in flight in pipelined-* modes (default "
              + DEFAULT_WINDOW
              + ")",
          "  --modes LIST        comma-separated, from: " + Mode.names(),
          "                      (default " + DEFAULT_MODES + ")",
          "  --out FILE          JSON results (default <repo>/bench/results/e2e-<timestamp>.json)",
          "  --proxy PATH        the aegis-proxy launcher (default <repo>/bin/aegis-proxy)",
          "  --timeout SECONDS   a mode running longer is killed and reported failed (default "
              + DEFAULT_TIMEOUT_SECONDS
              + ")",
          "  --no-verify         skip 'aegisctl verify' of each proxied store after its run",
          "  --keep-stores       keep the temporary chain stores (their paths are printed)",
          "  --help              this text");

  /** Validates ranges and that at least one mode is chosen. */
  E2eOptions {
    positive("calls", calls);
    atLeast("warmup", warmup, 0);
    positive("sessions", sessions);
    atMost("sessions", sessions, 64);
    atLeast("payload-bytes", payloadBytes, 0);
    atMost("payload-bytes", payloadBytes, 8 * 1024 * 1024);
    positive("pipelined-calls", pipelinedCalls);
    positive("window", window);
    atMost("window", window, 100_000);
    if (modes.isEmpty()) {
      throw new IllegalArgumentException(
          "modes: empty (expected: at least one of " + Mode.names() + ")");
    }
    modes = List.copyOf(modes);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout.toSeconds() + " (expected: > 0)");
    }
  }

  /** Parses command-line flags; throws {@link IllegalArgumentException} naming the bad flag. */
  static E2eOptions parse(String... args) {
    int calls = DEFAULT_CALLS;
    int warmup = DEFAULT_WARMUP;
    int sessions = DEFAULT_SESSIONS;
    int payload = DEFAULT_PAYLOAD_BYTES;
    int pipelined = DEFAULT_PIPELINED_CALLS;
    int window = DEFAULT_WINDOW;
    String modes = DEFAULT_MODES;
    Path out = null;
    Path proxy = null;
    long timeout = DEFAULT_TIMEOUT_SECONDS;
    boolean verify = true;
    boolean keep = false;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--calls" -> calls = integer(a, value(args, ++i, a));
        case "--warmup" -> warmup = integer(a, value(args, ++i, a));
        case "--sessions" -> sessions = integer(a, value(args, ++i, a));
        case "--payload-bytes" -> payload = integer(a, value(args, ++i, a));
        case "--pipelined-calls" -> pipelined = integer(a, value(args, ++i, a));
        case "--window" -> window = integer(a, value(args, ++i, a));
        case "--modes" -> modes = value(args, ++i, a);
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--proxy" -> proxy = Path.of(value(args, ++i, a));
        case "--timeout" -> timeout = integer(a, value(args, ++i, a));
        case "--no-verify" -> verify = false;
        case "--keep-stores" -> keep = true;
        case "--help", "-h" -> help = true;
        default -> throw new IllegalArgumentException("unknown option: " + a);
      }
    }
    return new E2eOptions(
        calls,
        warmup,
        sessions,
        payload,
        pipelined,
        window,
        parseModes(modes),
        out,
        proxy,
        Duration.ofSeconds(timeout),
        verify,
        keep,
        help);
  }

  /** Whether any chosen mode runs through the proxy. */
  boolean anyProxied() {
    return modes.stream().anyMatch(Mode::proxied);
  }

  private static List<Mode> parseModes(String list) {
    Set<Mode> modes = new LinkedHashSet<>();
    for (String name : list.split(",")) {
      if (!name.isBlank()) {
        modes.add(Mode.parse(name));
      }
    }
    return new ArrayList<>(modes);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + ": missing value");
    }
    return args[i];
  }

  private static int integer(String flag, String text) {
    try {
      return Integer.parseInt(text.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": '" + text + "' (expected: an integer)");
    }
  }

  private static void positive(String name, int v) {
    atLeast(name, v, 1);
  }

  private static void atLeast(String name, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: >= " + min + ")");
    }
  }

  private static void atMost(String name, int v, int max) {
    if (v > max) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: <= " + max + ")");
    }
  }
}
