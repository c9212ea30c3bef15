package dev.aegis.store;

import dev.aegis.core.chain.ChainStoreException;
import dev.aegis.core.chain.ChainStoreException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A parsed chain store URL: {@code sqlite:PATH} (or {@code jdbc:sqlite:PATH}) or {@code
 * postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?params]} (also {@code postgres://}, {@code
 * jdbc:postgresql://}). Immutable; {@code toString} never shows a password.
 */
sealed interface StoreUrl {
  String EXPECTED = "(expected: sqlite:PATH or postgresql://USER@HOST:PORT/DB)";

  /** A SQLite database file. */
  record Sqlite(Path path) implements StoreUrl {}

  /** A PostgreSQL database; {@code params} are passed to the JDBC driver as they are. */
  record Postgres(
      String host,
      int port,
      String database,
      String user,
      String password,
      Map<String, String> params)
      implements StoreUrl {

    /** The JDBC URL without credentials or parameters (those go in connection properties). */
    String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The URL without the password. */
    String describe() {
      String query =
          params.isEmpty()
              ? ""
              : params.entrySet().stream()
                  .filter(e -> !e.getKey().toLowerCase(Locale.ROOT).contains("password"))
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining("&", "?", ""));
      return "postgresql://" + user + "@" + host + ":" + port + "/" + database + query;
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /** Parses a store URL; PGPASSWORD from {@code env} supplies a password the URL lacks. */
  static StoreUrl parse(String url, Map<String, String> env) {
    String u = url == null ? "" : url.trim();
    if (u.startsWith("jdbc:")) {
      u = u.substring(5);
    }
    if (u.startsWith("sqlite:")) {
      return sqlite(url, u.substring("sqlite:".length()));
    }
    if (u.startsWith("postgresql://") || u.startsWith("postgres://")) {
      try {
        return postgres(url, u.replaceFirst("^postgres(ql)?://", "postgresql://"), env);
      } catch (IllegalArgumentException e) { // bad %-escape
        throw bad(url, "malformed URL");
      }
    }
    throw bad(url, null);
  }

  private static StoreUrl sqlite(String url, String rest) {
    String p = rest.startsWith("//") ? rest.substring(2) : rest;
    if (p.isBlank() || p.startsWith(":memory:") || p.startsWith("file::memory:")) {
      throw bad(url, p.isBlank() ? "no file path" : "in-memory databases are not durable");
    }
    if (p.equals("~") || p.startsWith("~/")) {
      p = System.getProperty("user.home") + p.substring(1);
    }
    try {
      return new Sqlite(Path.of(p));
    } catch (InvalidPathException e) {
      throw bad(url, "invalid path");
    }
  }

  private static StoreUrl postgres(String url, String u, Map<String, String> env) {
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw bad(url, "malformed URL");
    }
    String db = uri.getRawPath() == null ? "" : decode(uri.getRawPath().replaceFirst("^/", ""));
    if (uri.getHost() == null || db.isEmpty() || db.contains("/")) {
      throw bad(url, uri.getHost() == null ? "no host" : "no database name");
    }
    Map<String, String> params = query(uri.getRawQuery());
    String user = params.remove("user");
    String password = params.remove("password");
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? password : decode(info.substring(colon + 1));
    }
    if (user == null || user.isEmpty()) {
      throw bad(url, "no user");
    }
    if (password == null) {
      password = env.get("PGPASSWORD");
    }
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    return new Postgres(uri.getHost(), port, db, user, password, Map.copyOf(params));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        if (!key.isEmpty()) {
          params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
      }
    }
    return params;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static ChainStoreException bad(String url, String problem) {
    String shown = url == null || url.isBlank() ? "(empty)" : redact(url.trim());
    return new ChainStoreException(
        Reason.STORE_CONFIG,
        "store: " + shown + (problem == null ? "" : ": " + problem) + " " + EXPECTED);
  }

  /** The URL with any password (userinfo or {@code password=} parameter) replaced by ***. */
  static String redact(String url) {
    return url.replaceAll("(://[^/@:?#]*):[^/?#]*@", "$1:***@")
        .replaceAll("(?i)([?&][a-z]*password=)[^&#]*", "$1***");
  }
}
