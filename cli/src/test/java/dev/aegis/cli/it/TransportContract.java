package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What every transport of aegis-proxy must show, whatever the client and server sides speak (stdio
 * or Streamable HTTP): one proxy with server-everything behind it per subclass, one MCP session
 * driven through the subclass's {@link Client}, the behaviours checked in order, and at the end the
 * chain of that session sealed in both directions and verifying.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class TransportContract {
  /** The client side of the transport under test. */
  interface Client {
    /** Sends one frame and returns every frame received up to and including its answer. */
    List<JsonNode> exchange(String frame, Predicate<JsonNode> isAnswer) throws Exception;

    /** Sends a notification (or a response): nothing answers it. */
    void notify(String frame) throws Exception;

    /** Ends the MCP session and stops the proxy (and its upstream) so its termination is sealed. */
    void close() throws Exception;
  }

  private Path dir;
  private Client client;

  /** Starts server-everything and the proxy in front of it, sealing into {@code storeUrl}. */
  abstract Client start(Path dir, String storeUrl, Path manifest) throws Exception;

  private String storeUrl() {
    return "sqlite:" + dir.resolve("chain.db");
  }

  @BeforeAll
  void startProxy() throws Exception {
    dir = Files.createTempDirectory("aegis-contract");
    client = start(dir, storeUrl(), HttpPeers.manifest("server-everything.json"));
  }

  @AfterAll
  void stopProxy() throws Exception {
    client.close();
  }

  private JsonNode call(String frame, int id) throws Exception {
    List<JsonNode> frames = client.exchange(frame, answerTo(id));
    return frames.get(frames.size() - 1);
  }

  static Predicate<JsonNode> answerTo(int id) {
    return n -> n.path("id").isInt() && n.get("id").asInt() == id && !n.has("method");
  }

  private static String toolCall(int id, String tool, String args, String meta) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + args
        + (meta == null ? "" : ",\"_meta\":" + meta)
        + "}}";
  }

  @Test
  @Order(1)
  void initializeIsRelayed() throws Exception {
    JsonNode answer = call(McpLines.INIT, 0);
    assertThat(answer.at("/result/serverInfo/name").asText()).isEqualTo("mcp-servers/everything");
    client.notify(McpLines.INITIALIZED);
  }

  @Test
  @Order(2)
  void toolsListIsRelayedAndFilteredByTheManifest() throws Exception {
    JsonNode answer = call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", 1);
    List<String> names = new ArrayList<>();
    answer.at("/result/tools").forEach(t -> names.add(t.path("name").asText()));
    assertThat(names)
        .contains("echo", "get-sum")
        .doesNotContain("get-env")
        .allMatch(HttpPeers.declaredTools("server-everything.json")::contains);
  }

  @Test
  @Order(3)
  void anAllowedCallIsAnsweredByTheServer() throws Exception {
    JsonNode answer = call(toolCall(2, "echo", "{\"message\":\"contract\"}", null), 2);
    assertThat(answer.at("/result/content/0/text").asText()).isEqualTo("Echo: contract");
  }

  @Test
  @Order(4)
  void aDeniedCallIsAnsweredByTheProxyWithTheReason() throws Exception {
    JsonNode answer = call(toolCall(3, "get-env", "{}", null), 3);
    assertThat(answer.at("/result/isError").asBoolean()).isTrue();
    assertThat(answer.at("/result/structuredContent/aegis/reason").asText())
        .isEqualTo("PERMISSION_UNDECLARED");
  }

  @Test
  @Order(5)
  void notificationsPassBothWays() throws Exception {
    client.notify("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
    List<JsonNode> frames =
        client.exchange(
            toolCall(
                4,
                "trigger-long-running-operation",
                "{\"duration\":0.3,\"steps\":2}",
                "{\"progressToken\":\"contract\"}"),
            answerTo(4));
    assertThat(frames.get(frames.size() - 1).at("/result/content/0/text").asText())
        .contains("Long running operation completed");
    assertThat(frames)
        .filteredOn(f -> "notifications/progress".equals(f.path("method").asText()))
        .extracting(f -> f.at("/params/progressToken").asText())
        .containsExactly("contract", "contract");
  }

  @Test
  @Order(6)
  void aMalformedFrameGetsAParseErrorAndTheSessionGoesOn() throws Exception {
    List<JsonNode> frames =
        client.exchange("{\"jsonrpc\":\"2.0\",\"id\":", n -> n.path("id").isNull());
    JsonNode err = frames.get(frames.size() - 1);
    assertThat(err.at("/error/code").asInt()).isEqualTo(-32700);
    assertThat(err.at("/error/data/source").asText()).isEqualTo("aegis");
    JsonNode pong = call("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}", 5);
    assertThat(pong.has("result")).as(pong.toString()).isTrue();
  }

  @Test
  @Order(7)
  void theChainHoldsBothDirectionsAndVerifies() throws Exception {
    client.close();
    List<String> sessions = new ArrayList<>();
    try (var store = ChainStores.open(storeUrl(), Durability.NORMAL)) {
      store.sessions("default").forEach(s -> sessions.add(s.sessionId()));
    }
    List<Chains.Event> events =
        sessions.stream()
            .map(s -> Chains.read(storeUrl(), "default", s))
            .max(Comparator.comparingInt(List::size))
            .orElseThrow();
    String session = events.get(0).record().sessionId();
    assertThat(Chains.verify(storeUrl(), "default", session).valid()).isTrue();
    assertThat(events.get(events.size() - 1).type()).isEqualTo("TERMINATION");
    assertThat(events).extracting(Chains.Event::type).contains("TOOL_CALL_DENIED");
    List<Chains.Event> c2s = Chains.frames(events, "client_to_server");
    List<Chains.Event> s2c = Chains.frames(events, "server_to_client");
    assertThat(c2s).hasSizeGreaterThanOrEqualTo(8);
    assertThat(s2c).hasSizeGreaterThanOrEqualTo(8);
    assertThat(s2c)
        .as("the denied call (id 3) was answered by the proxy, never by the server")
        .filteredOn(e -> "3".equals(e.field("id")))
        .extracting(e -> e.field("origin"))
        .containsOnly("proxy");
    McpLines.Ctl verified = McpLines.ctl("verify", "--store", storeUrl(), "--session", session);
    assertThat(verified.code()).as(verified.out() + verified.err()).isZero();
  }

  /** The client of a proxy whose MCP side is stdio: raw lines on its stdin and stdout. */
  static final class Lines implements Client {
    private final ProxyProcess proxy;
    private final Process upstream;
    private int consumed;

    Lines(ProxyProcess proxy, Process upstream) {
      this.proxy = proxy;
      this.upstream = upstream;
    }

    @Override
    public List<JsonNode> exchange(String frame, Predicate<JsonNode> isAnswer) throws Exception {
      proxy.send(frame);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        String[] lines = proxy.stdout().split("\n", -1);
        List<JsonNode> seen = new ArrayList<>();
        for (int i = consumed; i < lines.length - 1; i++) {
          JsonNode n = Json.parse(lines[i].getBytes(StandardCharsets.UTF_8));
          seen.add(n);
          if (isAnswer.test(n)) {
            consumed = i + 1;
            return seen;
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no answer to " + frame + "; stderr:\n" + proxy.stderr());
    }

    @Override
    public void notify(String frame) throws Exception {
      proxy.send(frame);
    }

    @Override
    public void close() throws Exception {
      if (proxy.process.isAlive()) {
        proxy.closeStdin();
        proxy.waitFor(60);
      }
      if (upstream != null) {
        upstream.destroy();
      }
    }
  }

  /** The client of a proxy whose MCP side is Streamable HTTP: one POST per frame. */
  static final class Http implements Client {
    private final ProxyProcess proxy;
    private final Process upstream;
    private final RawMcpHttp http;

    Http(ProxyProcess proxy, Process upstream, int port) {
      this.proxy = proxy;
      this.upstream = upstream;
      this.http = new RawMcpHttp(port);
    }

    @Override
    public List<JsonNode> exchange(String frame, Predicate<JsonNode> isAnswer) throws Exception {
      HttpResponse<String> r = http.post(frame);
      if (frame.contains("\"initialize\"")) {
        http.session(r.headers().firstValue("Mcp-Session-Id").orElse(null));
      }
      List<JsonNode> frames = RawMcpHttp.frames(r);
      assertThat(frames).as(r.statusCode() + " " + r.body()).anyMatch(isAnswer);
      return frames;
    }

    @Override
    public void notify(String frame) throws Exception {
      assertThat(http.post(frame).statusCode()).isEqualTo(202);
    }

    @Override
    public void close() throws Exception {
      if (proxy.process.isAlive()) {
        proxy.process.destroy(); // SIGTERM: every session's termination is sealed
        proxy.waitFor(60);
      }
      if (upstream != null) {
        upstream.destroy();
      }
    }
  }
}
