package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.frame.Frame;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HeaderCheckTest {
  private static final String META =
      "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}";

  private static Frame call(String tool, String args) {
    return Frame.of(
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool
                + "\",\"arguments\":"
                + args
                + ","
                + META
                + "}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static HttpHeaders headers(String... pairs) {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("MCP-Protocol-Version", "2026-07-28");
    for (int i = 0; i < pairs.length; i += 2) {
      h.set(pairs[i], pairs[i + 1]);
    }
    return h;
  }

  private final ParamHeaders params = new ParamHeaders();

  private String problem(HttpHeaders h, Frame f) {
    return HeaderCheck.problem(h, f, params);
  }

  @Test
  void matchingHeadersPass() {
    assertThat(problem(headers("Mcp-Method", "tools/call", "Mcp-Name", "echo"), call("echo", "{}")))
        .isNull();
  }

  @Test
  void eachStandardHeaderIsRequiredAndMustMatch() {
    Frame f = call("echo", "{}");
    assertThat(problem(headers("Mcp-Name", "echo"), f)).contains("Mcp-Method header is missing");
    assertThat(problem(headers("Mcp-Method", "tools/call"), f)).contains("Mcp-Name header");
    assertThat(problem(headers("Mcp-Method", "tools/list", "Mcp-Name", "echo"), f))
        .contains("Mcp-Method header value 'tools/list'");
    assertThat(problem(headers("Mcp-Method", "tools/call", "Mcp-Name", "Echo"), f))
        .contains("Mcp-Name header value 'Echo'");
    HttpHeaders old = headers("Mcp-Method", "tools/call", "Mcp-Name", "echo");
    old.set("MCP-Protocol-Version", "2025-11-25");
    assertThat(problem(old, f)).contains("MCP-Protocol-Version");
    HttpHeaders none = headers("Mcp-Method", "tools/call", "Mcp-Name", "echo");
    none.remove("MCP-Protocol-Version");
    assertThat(problem(none, f)).contains("MCP-Protocol-Version header is missing");
  }

  @Test
  void base64SentinelValuesAreDecodedAndBadCharactersRefused() {
    String name = "Hello, 世界";
    String b64 =
        "=?base64?"
            + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8))
            + "?=";
    assertThat(problem(headers("Mcp-Method", "tools/call", "Mcp-Name", b64), call(name, "{}")))
        .isNull();
    assertThat(HeaderCheck.decode("=?base64?not base64!?=")).isNull();
    assertThat(HeaderCheck.decode("a\u0001b")).isNull();
    assertThat(
            problem(
                headers(
                    "Mcp-Method", "tools/call", "Mcp-Name", "echo", "Mcp-Param-X", "=?base64?%?="),
                call("echo", "{}")))
        .contains("Mcp-Param-X");
  }

  @Test
  void a2025RequestWithoutHeadersPassesButOneWithWrongHeadersDoesNot() {
    Frame f =
        Frame.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(HeaderCheck.problem(new DefaultHttpHeaders(), f, params)).isNull();
    assertThat(
            HeaderCheck.problem(
                new DefaultHttpHeaders().set("Mcp-Method", "tools/call"), f, params))
        .isNotNull();
  }

  @Test
  void paramHeadersAreCheckedAgainstLearntAnnotations() {
    params.learn(
        Frame.of(
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"sql\",\"inputSchema\":"
                    + "{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\","
                    + "\"x-mcp-header\":\"Region\"},\"opts\":{\"type\":\"object\",\"properties\":"
                    + "{\"limit\":{\"type\":\"integer\",\"x-mcp-header\":\"Limit\"}}}}}}]}}")
                .getBytes(StandardCharsets.UTF_8)));
    HttpHeaders base = headers("Mcp-Method", "tools/call", "Mcp-Name", "sql");
    Frame f = call("sql", "{\"region\":\"us-west1\",\"opts\":{\"limit\":42}}");
    assertThat(
            problem(
                base.copy().set("Mcp-Param-Region", "us-west1").set("mcp-param-limit", "42.0"), f))
        .isNull();
    assertThat(problem(base.copy().set("Mcp-Param-Region", "us-west1"), f))
        .contains("Mcp-Param-Limit header is missing");
    assertThat(problem(base.copy().set("Mcp-Param-Region", "eu").set("Mcp-Param-Limit", "42"), f))
        .contains("Mcp-Param-Region");
    Frame noRegion = call("sql", "{\"opts\":{}}");
    assertThat(problem(base, noRegion)).isNull();
    assertThat(problem(base.copy().set("Mcp-Param-Region", "us"), noRegion))
        .contains("Mcp-Param-Region");
    assertThat(problem(base.copy().set("Mcp-Param-Unknown", "x"), noRegion)).isNull();
  }

  @Test
  void theErrorIsJsonRpcHeaderMismatchWithTheRequestId() {
    String body = new String(HeaderCheck.error(call("echo", "{}"), "x"), StandardCharsets.UTF_8);
    assertThat(body)
        .contains("\"id\":7")
        .contains("\"code\":-32020")
        .contains("Header mismatch: x");
  }

  @Test
  void framesTheProxySendsCarryTheirOwnMetadataHeaders() {
    params.learn(
        Frame.of(
            ("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"echo\",\"inputSchema\":"
                    + "{\"properties\":{\"message\":{\"type\":\"string\",\"x-mcp-header\":\"Msg\"}}}}]}}")
                .getBytes(StandardCharsets.UTF_8)));
    HttpHeaders client = headers("Mcp-Method", "subscriptions/listen", "Mcp-Param-Old", "x");
    client.set("Authorization", "Bearer t");
    HttpHeaders h = HeaderCheck.mirror(client, call("echo", "{\"message\":\" padded \"}"), params);
    assertThat(h.get("Mcp-Method")).isEqualTo("tools/call");
    assertThat(h.get("Mcp-Name")).isEqualTo("echo");
    assertThat(h.get("Mcp-Param-Msg")).isEqualTo("=?base64?IHBhZGRlZCA=?=");
    assertThat(h.contains("Mcp-Param-Old")).isFalse();
    assertThat(h.get("Authorization")).isEqualTo("Bearer t");
    assertThat(HeaderCheck.problem(h, call("echo", "{\"message\":\" padded \"}"), params)).isNull();
    assertThat(HeaderCheck.encode("=?base64?literal?=")).startsWith("=?base64?PT9");
    assertThat(HeaderCheck.encode("us-west1")).isEqualTo("us-west1");
  }
}
