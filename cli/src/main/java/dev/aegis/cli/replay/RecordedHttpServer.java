package dev.aegis.cli.replay;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.frame.Frame;
import dev.aegis.core.frame.FrameKind;
import dev.aegis.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A recorded session served back over Streamable HTTP ({@code aegis-proxy --replay-from URL
 * --session S --listen HOST:PORT}): a POST of a request (or a batch) is answered with JSON, as
 * {@link RecordedServer} answers on stdio; a POST of notifications or responses only gets 202.
 * {@code initialize} opens an MCP session with a fresh {@code Mcp-Session-Id} and its own cursor
 * through the recording; a request without that header is answered from one shared cursor (a
 * stateless client); an unknown id gets 404, DELETE ends a session, GET gets 405 (the mock never
 * sends on its own). A browser Origin that is not loopback gets 403 and a body over the cap 413.
 * Requests run on a small pool of daemon threads; thread-safe.
 */
public final class RecordedHttpServer implements AutoCloseable {
  private static final String SESSION_HEADER = "Mcp-Session-Id";

  private final Recording recording;
  private final String path;
  private final int maxBodyBytes;
  private final HttpServer server;
  private final ExecutorService pool;
  private final Map<String, RecordedAnswers> sessions = new ConcurrentHashMap<>();
  private final RecordedAnswers sessionless;
  private final SecureRandom random = new SecureRandom();

  private RecordedHttpServer(
      Recording recording, InetSocketAddress address, String path, int maxBodyBytes)
      throws IOException {
    this.recording = recording;
    this.path = path;
    this.maxBodyBytes = maxBodyBytes;
    this.sessionless = new RecordedAnswers(recording);
    this.server = HttpServer.create(address, 64);
    this.pool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "aegis-replay-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(pool);
    server.createContext("/", this::handle);
  }

  /**
   * Reads the session (blocking) and starts serving it on {@code address} at {@code path}. Throws
   * {@link ReplayException} when the session cannot be read, {@link IOException} when the address
   * cannot be bound.
   */
  public static RecordedHttpServer start(
      ChainStore store,
      String tenantId,
      String sessionId,
      InetSocketAddress address,
      String path,
      int maxBodyBytes)
      throws IOException {
    Recording r;
    try {
      r = Recording.read(requireNonNull(store, "store"), tenantId, sessionId);
    } catch (IllegalArgumentException e) {
      throw new ReplayException(e.getMessage());
    }
    RecordedHttpServer s = new RecordedHttpServer(r, address, path, maxBodyBytes);
    s.server.start();
    return s;
  }

  /** The bound address (the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      if (!x.getRequestURI().getPath().equals(path)) {
        send(x, 404, null);
      } else if (!loopbackOrigin(x.getRequestHeaders().getFirst("Origin"))) {
        send(x, 403, null);
      } else {
        switch (x.getRequestMethod()) {
          case "POST" -> post(x);
          case "DELETE" -> delete(x);
          default -> {
            x.getResponseHeaders().set("Allow", "POST, DELETE");
            send(x, 405, null);
          }
        }
      }
    }
  }

  private void post(HttpExchange x) throws IOException {
    byte[] body = readCapped(x.getRequestBody());
    if (body == null) {
      send(x, 413, null);
      return;
    }
    List<Frame> frames = new ArrayList<>();
    boolean batch;
    try {
      JsonNode tree = Json.parse(body);
      batch = tree.isArray();
      if (!batch) {
        frames.add(Frame.of(body));
      } else {
        for (JsonNode m : tree) {
          frames.add(Frame.of(Json.write(m).getBytes(StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      send(x, 400, error("-32700", "Parse error"));
      return;
    }
    String id = x.getRequestHeaders().getFirst(SESSION_HEADER);
    RecordedAnswers answers = id == null ? null : sessions.get(id);
    if (id != null && answers == null) {
      send(x, 404, error("-32001", "Session not found"));
      return;
    }
    boolean init = frames.stream().anyMatch(f -> "initialize".equals(f.method()));
    if (id == null && init) {
      id = HexFormat.of().formatHex(bytes());
      answers = new RecordedAnswers(recording);
      sessions.put(id, answers);
      x.getResponseHeaders().set(SESSION_HEADER, id);
    } else if (answers == null) {
      answers = sessionless;
    }
    List<String> out = new ArrayList<>();
    for (Frame f : frames) {
      if (f.kind() == FrameKind.REQUEST) {
        out.add(new String(RecordedServer.respond(answers, f), StandardCharsets.UTF_8));
      }
    }
    if (out.isEmpty()) {
      send(x, 202, null);
    } else {
      send(x, 200, batch ? "[" + String.join(",", out) + "]" : out.get(0));
    }
  }

  private byte[] bytes() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return b;
  }

  private void delete(HttpExchange x) throws IOException {
    String id = x.getRequestHeaders().getFirst(SESSION_HEADER);
    if (id == null) {
      send(x, 400, null);
    } else {
      send(x, sessions.remove(id) == null ? 404 : 204, null);
    }
  }

  private static String error(String code, String message) {
    return "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
        + code
        + ",\"message\":\""
        + message
        + "\"}}";
  }

  /** The body, or null when it is longer than the cap. */
  private byte[] readCapped(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      if (buf.size() + n > maxBodyBytes) {
        return null;
      }
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }

  /** No Origin (not a browser), or a loopback one: a mock must not be reachable by rebinding. */
  private static boolean loopbackOrigin(String origin) {
    if (origin == null) {
      return true;
    }
    try {
      String host = URI.create(origin).getHost();
      return host != null
          && (host.equals("localhost")
              || host.equals("[::1]")
              || host.equals("::1")
              || host.startsWith("127."));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void send(HttpExchange x, int status, String json) throws IOException {
    if (json == null) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  /** Stops listening at once; requests in flight are dropped. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  @Override
  public String toString() {
    return "RecordedHttpServer[" + recording.sessionId() + "]";
  }
}
