package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.frame.Frame;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Era2026Test {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static Frame request(String extraMeta) {
    return Frame.of(
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":"
                + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\""
                + extraMeta
                + "}}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keysGoFromTheAegisSessionToTheTraceToTheCredentialToTheConnection() {
    HttpHeaders h = new DefaultHttpHeaders().set("Authorization", "Bearer s3cret");
    h.set("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01");
    assertThat(Era2026.sessionKey(request(",\"io.aegis/session\":\"agent-7\""), h, "p"))
        .isEqualTo("aegis:agent-7");
    assertThat(Era2026.sessionKey(request(""), h, "p")).isEqualTo("trace:" + TRACE);
    String other = "0af7651916cd43dd8448eb211c80319c";
    assertThat(
            Era2026.sessionKey(
                request(",\"traceparent\":\"00-" + other + "-b7ad6b7169203331-01\""), h, "p"))
        .as("the trace context in _meta comes before the header")
        .isEqualTo("trace:" + other);
    h.remove("traceparent");
    String auth = Era2026.sessionKey(request(""), h, "p");
    assertThat(auth).startsWith("auth:").doesNotContain("s3cret").hasSize(5 + 64);
    assertThat(Era2026.sessionKey(request(""), new DefaultHttpHeaders(), "127.0.0.1:5000"))
        .isEqualTo("peer:127.0.0.1:5000");
    assertThat(Era2026.describe(auth)).startsWith("auth sha256:").doesNotContain("s3cret");
  }

  @Test
  void malformedOrZeroTraceIdsAreIgnored() {
    assertThat(Era2026.traceId("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).isNull();
    assertThat(Era2026.traceId("00-XYZ-00f067aa0ba902b7-01")).isNull();
    assertThat(Era2026.traceId(null)).isNull();
  }

  @Test
  void onlyRequestsWithoutASessionIdAndOfThe2026EraAreStateless() {
    HttpHeaders none = new DefaultHttpHeaders();
    assertThat(Era2026.stateless(null, request(""), none)).isTrue();
    assertThat(Era2026.stateless("sid", request(""), none)).isFalse();
    Frame old =
        Frame.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(Era2026.stateless(null, old, none)).isFalse();
    assertThat(
            Era2026.stateless(
                null, old, new DefaultHttpHeaders().set("MCP-Protocol-Version", "2026-07-28")))
        .isTrue();
  }
}
