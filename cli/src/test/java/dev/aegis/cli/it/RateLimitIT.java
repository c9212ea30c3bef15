package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.store.ChainStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --rate-limit} through the HTTP gateway in front of server-everything: two MCP sessions
 * draw from the same per-tool bucket, the call over the limit is answered RATE_LIMITED without
 * reaching the server, another tool still passes, and the refusal is sealed (TOOL_CALL_DENIED with
 * the bucket, no POLICY_DECISION) in a chain that verifies.
 */
class RateLimitIT {
  @TempDir Path dir;

  @Test
  void callsOverAToolsLimitAreRefusedAcrossSessionsAndSealed() throws Exception {
    try (HttpPeers.Gateway gw =
        HttpPeers.gateway(
            dir, HttpPeers.manifest("server-everything.json"), "--rate-limit", "tool:echo=2/h")) {
      RawMcpHttp a = new RawMcpHttp(gw.port());
      RawMcpHttp b = new RawMcpHttp(gw.port());
      a.initialize();
      b.initialize();
      assertThat(text(a, 1, "echo", "{\"message\":\"one\"}")).contains("one");
      assertThat(text(b, 1, "echo", "{\"message\":\"two\"}")).contains("two");
      JsonNode refused = call(a, 2, "echo", "{\"message\":\"three\"}");
      assertThat(refused.at("/result/isError").asBoolean()).isTrue();
      assertThat(refused.at("/result/structuredContent/aegis/reason").asText())
          .isEqualTo("RATE_LIMITED");
      assertThat(refused.at("/result/structuredContent/aegis/retry_after_ms").asLong())
          .isPositive();
      assertThat(text(a, 3, "get-sum", "{\"a\":2,\"b\":3}")).contains("5");
      gw.proxy().process.destroy();
      assertThat(gw.proxy().waitFor(30)).isZero();
    }
    String url = "sqlite:" + dir.resolve("chain.db");
    List<Chains.Event> denials = new ArrayList<>();
    List<String> sessions = new ArrayList<>();
    try (ChainStore store = ChainStores.open(url, Durability.NORMAL)) {
      for (SessionSummary s : store.sessions("default")) {
        sessions.add(s.sessionId());
      }
    }
    for (String s : sessions) {
      assertThat(Chains.verify(url, "default", s).valid()).isTrue();
      List<Chains.Event> events = Chains.read(url, "default", s);
      for (int i = 0; i < events.size(); i++) {
        Chains.Event e = events.get(i);
        if (e.type().equals("TOOL_CALL_DENIED")) {
          denials.add(e);
          assertThat(events.get(i - 1).type()).isEqualTo("TOOL_CALL_PROPOSED");
        }
      }
    }
    assertThat(denials).hasSize(1);
    JsonNode p = denials.get(0).payload();
    assertThat(p.get("reason").asText()).isEqualTo("RATE_LIMITED");
    assertThat(p.at("/rate_limit/scope").asText()).isEqualTo("tool");
    assertThat(p.at("/rate_limit/key").asText()).isEqualTo("echo");
    assertThat(p.at("/rate_limit/limit").asText()).isEqualTo("2/h");
  }

  private static JsonNode call(RawMcpHttp c, int id, String tool, String args) throws Exception {
    return RawMcpHttp.answer(
        c.post(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + id
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool
                + "\",\"arguments\":"
                + args
                + "}}"));
  }

  private static String text(RawMcpHttp c, int id, String tool, String args) throws Exception {
    JsonNode r = call(c, id, tool, args);
    assertThat(r.at("/result/isError").asBoolean()).as(r.toString()).isFalse();
    return r.at("/result/content/0/text").asText();
  }
}
