package dev.aegis.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Streamable HTTP MCP server (2025 era) spoken to with the JDK HTTP client: each message is one
 * POST; an answer comes back as JSON or as an SSE stream read until the answer with the request's
 * id (server requests met on the way are answered by POST). The {@code Mcp-Session-Id} issued on
 * initialize and the negotiated protocol version are sent on every later request; closing sends
 * DELETE. One caller at a time; the body is read on a daemon thread so the caller's wait is
 * bounded.
 */
final class HttpTarget implements LiveTarget {
  private final URI endpoint;
  private final HttpClient client;
  private final ExecutorService readers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "aegisctl-live-http");
            t.setDaemon(true);
            return t;
          });
  private volatile String sessionId;
  private volatile String protocolVersion;

  HttpTarget(URI endpoint) {
    this.endpoint = endpoint;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public JsonNode request(ObjectNode request, Duration timeout) throws InterruptedException {
    String method = request.path("method").asText();
    Future<JsonNode> answer = readers.submit(() -> exchange(request));
    try {
      JsonNode a = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (method.equals("initialize") && a.path("result").path("protocolVersion").isTextual()) {
        protocolVersion = a.get("result").get("protocolVersion").asText();
      }
      return a;
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new ReplayException(
          endpoint + " did not answer " + method + " within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof ReplayException r
          ? r
          : new ReplayException(endpoint + ": " + method + ": " + c);
    }
  }

  @Override
  public void notify(ObjectNode notification) {
    try {
      HttpResponse<Void> r =
          client.send(post(notification), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 != 2) {
        throw new ReplayException(endpoint + " answered HTTP " + r.statusCode() + " to a message");
      }
    } catch (IOException e) {
      throw new ReplayException(endpoint + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException("interrupted");
    }
  }

  private HttpRequest post(JsonNode message) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(message)));
    withSession(b);
    return b.build();
  }

  private void withSession(HttpRequest.Builder b) {
    if (sessionId != null) {
      b.header("Mcp-Session-Id", sessionId);
    }
    if (protocolVersion != null) {
      b.header("MCP-Protocol-Version", protocolVersion);
    }
  }

  private JsonNode exchange(ObjectNode request) throws IOException, InterruptedException {
    HttpResponse<InputStream> r =
        client.send(post(request), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw new ReplayException(
            endpoint
                + " answered HTTP "
                + r.statusCode()
                + " to "
                + request.path("method").asText());
      }
      r.headers().firstValue("Mcp-Session-Id").ifPresent(id -> sessionId = id);
      String type = r.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
      String id = request.get("id").toString();
      JsonNode answer =
          type.startsWith("text/event-stream") ? fromStream(body, id) : fromJson(body, id);
      if (answer == null) {
        throw new ReplayException(
            endpoint + " sent no answer to " + request.path("method").asText());
      }
      return answer;
    }
  }

  private static JsonNode fromJson(InputStream body, String id) throws IOException {
    JsonNode n = Json.parse(body.readAllBytes());
    for (JsonNode m : n.isArray() ? n : Json.MAPPER.createArrayNode().add(n)) {
      if (LiveTarget.isResponse(m) && m.get("id").toString().equals(id)) {
        return m;
      }
    }
    return null;
  }

  /** Reads SSE events until the answer with {@code id}; answers the server's requests. */
  private JsonNode fromStream(InputStream body, String id) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    StringBuilder data = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("data:")) {
        data.append(line.substring(line.startsWith("data: ") ? 6 : 5)).append('\n');
        continue;
      }
      if (!line.isEmpty() || data.length() == 0) {
        continue; // id:, event:, retry:, comments
      }
      JsonNode m = Json.parse(data.toString().getBytes(StandardCharsets.UTF_8));
      data.setLength(0);
      if (LiveTarget.isResponse(m) && m.get("id").toString().equals(id)) {
        return m;
      }
      if (LiveTarget.isRequest(m)) {
        CompletableFuture.runAsync(() -> notify(LiveTarget.answerServerRequest(m)), readers);
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (sessionId != null) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).DELETE();
      withSession(b);
      try {
        client.send(b.build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        // the server is gone: nothing to end
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    readers.shutdownNow();
  }

  @Override
  public String toString() {
    return "HttpTarget[" + endpoint + "]";
  }
}
