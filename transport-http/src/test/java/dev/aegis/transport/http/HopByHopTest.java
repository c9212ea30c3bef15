package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopTest {
  @Test
  void endToEndHeadersPassAndHopByHopOnesDoNot() {
    HttpHeaders in = new DefaultHttpHeaders();
    in.add("Authorization", "Bearer secret");
    in.add("Mcp-Session-Id", "abc");
    in.add("MCP-Protocol-Version", "2025-11-25");
    in.add("Last-Event-ID", "42");
    in.add("Accept", "application/json, text/event-stream");
    in.add("Connection", "keep-alive, X-Private");
    in.add("X-Private", "hop");
    in.add("Keep-Alive", "timeout=5");
    in.add("Transfer-Encoding", "chunked");
    in.add("Content-Length", "12");
    in.add("Host", "proxy:8080");
    in.add("Upgrade", "h2c");
    in.add("TE", "trailers");
    HttpHeaders out = new DefaultHttpHeaders();
    HopByHop.copy(in, out);
    assertThat(out.names())
        .containsExactlyInAnyOrder(
            "Authorization", "Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID", "Accept");
    assertThat(out.get("authorization")).isEqualTo("Bearer secret");
  }
}
