package dev.aegis.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Locates the PostgreSQL server binaries and runs them, as the {@code postgres} OS user when this
 * JVM runs as root. Stateless apart from the located directory; thread-safe.
 */
final class PgCommands {
  private static final String PG_USER = "postgres";
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  private final Path bin;
  private final boolean asPgUser;

  private PgCommands(Path bin, boolean asPgUser) {
    this.bin = bin;
    this.asPgUser = asPgUser;
  }

  static PgCommands find() {
    Path bin = onPath();
    if (bin == null) {
      bin = newestDebianBin();
    }
    if (bin == null) {
      throw new IllegalStateException(
          "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under "
              + DEBIAN_ROOT
              + "/*/bin: install them (apt-get install postgresql) or set "
              + PostgresServer.URL_ENV
              + " to an existing server");
    }
    return new PgCommands(bin, isRoot());
  }

  private static Path onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path d = Path.of(dir);
      if (Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl"))) {
        return d;
      }
    }
    return null;
  }

  private static Path newestDebianBin() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparingDouble(PgCommands::version))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static double version(Path bin) {
    try {
      return Double.parseDouble(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Hands a directory we created to the OS user that will run the server. */
  void own(Path dir) throws IOException {
    if (!asPgUser) {
      return;
    }
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    try {
      Files.setOwner(dir, users.lookupPrincipalByName(PG_USER));
    } catch (IOException e) {
      throw new IllegalStateException(
          "running as root, so PostgreSQL must run as the '"
              + PG_USER
              + "' OS user, which is missing ("
              + e.getMessage()
              + "): apt-get install postgresql creates it",
          e);
    }
  }

  /**
   * Runs {@code tool args... flags...} in {@code dir}, failing with its output on non-zero exit.
   */
  void run(Path dir, String tool, List<String> args, List<String> flags) {
    List<String> command = new ArrayList<>();
    if (asPgUser) {
      command.addAll(List.of("runuser", "-u", PG_USER, "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(args);
    command.addAll(flags);
    Path log = dir.resolve(tool + ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(tool + " did not finish within 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + p.exitValue() + ":\n" + tail(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + tool, e);
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log, StandardCharsets.UTF_8);
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort at JVM exit: a leftover temp directory is harmless
    }
  }
}
