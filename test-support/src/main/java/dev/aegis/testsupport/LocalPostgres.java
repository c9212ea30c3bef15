package dev.aegis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * Starts a throwaway PostgreSQL cluster from local binaries: initdb in a temp directory, pg_ctl
 * start on a free loopback port with fsync off, stop and delete at JVM exit. As root (initdb
 * refuses root) the binaries run as the {@code postgres} OS user. Called once, under the lock of
 * {@link PostgresServer#shared()}.
 */
final class LocalPostgres {
  private static final System.Logger LOG = System.getLogger(LocalPostgres.class.getName());
  private static final String DATABASE = "aegis_test";
  private static final String SUPERUSER = "postgres";

  private LocalPostgres() {}

  static PostgresServer start() {
    PgCommands pg = PgCommands.find();
    try {
      Path dir = Files.createTempDirectory("aegis-pg-");
      pg.own(dir);
      Path data = dir.resolve("data");
      pg.run(
          dir,
          "initdb",
          List.of("-D", data.toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8"),
          List.of("--no-locale", "--no-sync"));
      int port = startServer(pg, dir, data);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(pg, dir, data), "aegis-pg-stop"));
      PostgresServer server = new PostgresServer("127.0.0.1", port, SUPERUSER, null, "postgres");
      server.execute("CREATE DATABASE " + DATABASE);
      LOG.log(
          Level.INFO, "test PostgreSQL started on 127.0.0.1:{0} in {1}", String.valueOf(port), dir);
      return new PostgresServer("127.0.0.1", port, SUPERUSER, null, DATABASE);
    } catch (IOException e) {
      throw new UncheckedIOException("starting the test PostgreSQL server failed", e);
    }
  }

  private static int startServer(PgCommands pg, Path dir, Path data) throws IOException {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      String options =
          "-p "
              + port
              + " -k "
              + dir
              + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
              + " -c full_page_writes=off -c max_connections=200";
      try {
        pg.run(
            dir,
            "pg_ctl",
            List.of("-D", data.toString(), "-l", dir.resolve("server.log").toString()),
            List.of("-w", "-t", "60", "-o", options, "start"));
        waitUntilAccepting(port);
        return port;
      } catch (IllegalStateException e) {
        last = e; // most likely the port was taken between probe and bind: try another
      }
    }
    throw last;
  }

  private static void waitUntilAccepting(int port) {
    PostgresServer probe = new PostgresServer("127.0.0.1", port, SUPERUSER, null, "postgres");
    for (int i = 0; ; i++) {
      try {
        probe.connect().close();
        return;
      } catch (SQLException e) {
        if (i >= 100) {
          throw new IllegalStateException("test PostgreSQL on port " + port + " not accepting", e);
        }
        sleep();
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
    }
  }

  private static void stop(PgCommands pg, Path dir, Path data) {
    try {
      pg.run(dir, "pg_ctl", List.of("-D", data.toString()), List.of("-m", "immediate", "stop"));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stopping the test PostgreSQL server failed: {0}", e.getMessage());
    }
    PgCommands.deleteTree(dir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
