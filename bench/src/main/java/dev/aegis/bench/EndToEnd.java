package dev.aegis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * End-to-end overhead harness: sequential, concurrent-session and pipelined {@code tools/call}
 * round trips against {@link EchoServer}, directly and through {@code bin/aegis-proxy} with each
 * durability, in one invocation. Prints a table and writes the same figures as JSON. Exit code 0
 * when every mode ran, 1 when one failed, 2 on bad flags.
 */
public final class EndToEnd {
  private EndToEnd() {}

  /** Runs the modes chosen by the flags; see {@code --help}. */
  public static void main(String[] args) throws IOException {
    E2eOptions options;
    try {
      options = E2eOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("EndToEnd: " + e.getMessage());
      System.err.println(E2eOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(E2eOptions.USAGE);
      return;
    }
    System.exit(run(options, args));
  }

  static int run(E2eOptions options, String[] args) throws IOException {
    String commandLine = SystemInfo.commandLine(EndToEnd.class.getName(), args);
    Map<String, String> system = SystemInfo.describe();
    Launchers launchers = Launchers.forThisJvm(options.proxy());
    System.out.println("command: " + commandLine);
    system.forEach((k, v) -> System.out.println(k + ": " + v));
    if (options.anyProxied() && !Files.isExecutable(launchers.proxy())) {
      System.out.println(
          "warning: "
              + launchers.proxy()
              + " is not executable; proxied modes"
              + " will fail (build with ./mvnw -q -DskipTests install, or pass --proxy)");
    }
    System.out.printf(
        "calls %d (warmup %d discarded), sessions %d, payload %d bytes,"
            + " pipelined %d calls with window %d%n%n",
        options.calls(),
        options.warmup(),
        options.sessions(),
        options.payloadBytes(),
        options.pipelinedCalls(),
        options.window());

    Path work = Files.createTempDirectory("aegis-bench-");
    List<ModeResult> results = new ArrayList<>();
    try (ModeRunner runner = new ModeRunner(options, launchers, work)) {
      for (Mode mode : options.modes()) {
        System.out.printf("running %-17s ...", mode.wireName());
        System.out.flush();
        long t0 = System.nanoTime();
        ModeResult r = runner.run(mode);
        System.out.printf(
            " %s in %.1f s%n", r.ok() ? "done" : "FAILED", (System.nanoTime() - t0) / 1e9);
        results.add(r);
      }
    } finally {
      if (options.keepStores()) {
        System.out.println("stores and logs kept in " + work);
      } else {
        deleteTree(work);
      }
    }

    Report report = new Report(results);
    System.out.println();
    System.out.print(report.table());
    Path out = options.out() != null ? options.out() : defaultOut();
    Report.write(
        out,
        report.json(
            commandLine,
            system,
            options,
            launchers.proxy().toString(),
            OffsetDateTime.now().toString()));
    System.out.println();
    System.out.println("JSON written to " + out.toAbsolutePath());
    System.out.println("echo server: " + Launchers.display(launchers.echoServer()));
    return results.stream().allMatch(ModeResult::ok) ? 0 : 1;
  }

  private static Path defaultOut() {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Launchers.repoRoot().resolve("bench/results/e2e-" + stamp + ".json");
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
