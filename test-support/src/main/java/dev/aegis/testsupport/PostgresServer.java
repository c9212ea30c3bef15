package dev.aegis.testsupport;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real PostgreSQL server for tests, one per JVM: the server named by {@code AEGIS_TEST_PG_URL} if
 * that is set, else a throwaway cluster started from the local PostgreSQL binaries and stopped at
 * JVM exit. Thread-safe.
 */
public final class PostgresServer {
  /**
   * Environment variable naming an existing server ({@code postgresql://USER[:PW]@HOST:PORT/DB}).
   */
  public static final String URL_ENV = "AEGIS_TEST_PG_URL";

  private static PostgresServer shared;
  private static RuntimeException startFailure;

  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String database;

  PostgresServer(String host, int port, String user, String password, String database) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.database = database;
  }

  /**
   * The server for this JVM, started on first use; fails (never skips) when no server can be had,
   * saying how to install PostgreSQL.
   */
  public static synchronized PostgresServer shared() {
    if (startFailure != null) {
      throw startFailure;
    }
    if (shared == null) {
      try {
        String url = System.getenv(URL_ENV);
        shared = url == null || url.isBlank() ? LocalPostgres.start() : parse(url.trim());
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    return shared;
  }

  static PostgresServer parse(String url) {
    String u = url.startsWith("jdbc:") ? url.substring(5) : url;
    URI uri = URI.create(u.replaceFirst("^postgres(ql)?://", "postgresql://"));
    String info = uri.getRawUserInfo();
    if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null || info == null) {
      throw new IllegalArgumentException(
          URL_ENV + ": not a postgresql://USER[:PASSWORD]@HOST:PORT/DB URL");
    }
    int colon = info.indexOf(':');
    String user = decode(colon < 0 ? info : info.substring(0, colon));
    String password = colon < 0 ? System.getenv("PGPASSWORD") : decode(info.substring(colon + 1));
    String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    return new PostgresServer(
        uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password, db);
  }

  /** Loopback host name or address of the server. */
  public String host() {
    return host;
  }

  /** TCP port of the server. */
  public int port() {
    return port;
  }

  /** A role with rights to create schemas, roles and tables (superuser for a local server). */
  public String user() {
    return user;
  }

  /** The test database's name. */
  public String database() {
    return database;
  }

  /** {@code postgresql://USER[:PASSWORD]@HOST:PORT/DB}, the form chain store URLs take. */
  public String url() {
    String pw = password == null ? "" : ":" + encode(password);
    return "postgresql://" + encode(user) + pw + "@" + host + ":" + port + "/" + database;
  }

  /** {@link #url()} with {@code currentSchema} set, so unqualified tables land in that schema. */
  public String url(String schema) {
    return url() + "?currentSchema=" + schema;
  }

  /** The JDBC URL of the test database, without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** A new autocommit connection to the test database as {@link #user()}; caller closes it. */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  /** Creates a uniquely named empty schema and returns its name. */
  public String createSchema(String prefix) {
    String name = prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    execute("CREATE SCHEMA " + name);
    return name;
  }

  /** Drops a schema and everything in it. */
  public void dropSchema(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** Runs one statement on a fresh connection, rethrowing failures unchecked. */
  public void execute(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "PostgresServer[" + user + "@" + host + ":" + port + "/" + database + "]";
  }
}
