package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code --server} and {@code --token-file} options of the commands that can use a control API
 * (aegisd or aegis-proxy --admin-listen) instead of opening the store, and the blocking HTTP calls
 * they make. The token comes from the file's first line or {@value #TOKEN_ENV}; it is never
 * printed.
 */
final class ServerOptions {
  /** Environment variable holding the bearer token for {@code --server}. */
  static final String TOKEN_ENV = "AEGIS_API_TOKEN";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "Use this control API (e.g. http://127.0.0.1:8787) instead of --store.")
  String server;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Bearer token for --server (first line; default: $" + TOKEN_ENV + ").")
  Path tokenFile;

  /** An answer: status and JSON body. */
  record Answer(int status, JsonNode body) {
    /** The error message of an error document, or the status. */
    String error() {
      JsonNode m = body.path("error").path("message");
      return m.isTextual() ? m.asText() : "HTTP " + status;
    }
  }

  boolean remote() {
    return server != null;
  }

  Answer get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
  }

  Answer post(String path, JsonNode body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
  }

  private URI uri(String path) {
    String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    try {
      return URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new CtlException("--server " + server + ": not a URL");
    }
  }

  private Answer send(HttpRequest.Builder b) {
    String token = token();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.timeout(Duration.ofSeconds(60));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> r =
          http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(r.body());
      } catch (IOException e) {
        body = null;
      }
      if (body == null || !body.isObject()) {
        throw new CtlException(server + " answered HTTP " + r.statusCode() + " without JSON");
      }
      if (r.statusCode() == 401) {
        throw new CtlException(
            server + ": unauthorized (give a token with --token-file or $" + TOKEN_ENV + ")");
      }
      return new Answer(r.statusCode(), body);
    } catch (IOException e) {
      throw new CtlException("cannot reach " + server + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("interrupted");
    }
  }

  private String token() {
    return token(tokenFile);
  }

  /**
   * The bearer token: the first line of {@code tokenFile} that is neither blank nor a comment, else
   * {@value #TOKEN_ENV}, else null; an unreadable or empty file throws {@link CtlException}.
   */
  static String token(Path tokenFile) {
    if (tokenFile != null) {
      try {
        return Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream()
            .map(String::strip)
            .filter(s -> !s.isEmpty() && !s.startsWith("#"))
            .findFirst()
            .orElseThrow(() -> new CtlException("--token-file " + tokenFile + ": no token"));
      } catch (IOException e) {
        throw new CtlException("--token-file " + tokenFile + ": " + CtlErrors.describe(e));
      }
    }
    String env = System.getenv(TOKEN_ENV);
    return env == null || env.isBlank() ? null : env.strip();
  }
}
