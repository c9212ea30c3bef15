package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainRelayTest {
  private static HttpProxyConfig config(String upstream) {
    return new HttpProxyConfig(
        "127.0.0.1",
        0,
        URI.create(upstream),
        List.of(),
        "/mcp",
        1 << 20,
        Duration.ofMinutes(5),
        Duration.ofSeconds(5));
  }

  @Test
  void onlyTheDiscoveryDocumentsAreRelayed() {
    assertThat(PlainRelay.handles("/.well-known/oauth-protected-resource")).isTrue();
    assertThat(PlainRelay.handles("/.well-known/oauth-protected-resource/mcp")).isTrue();
    assertThat(PlainRelay.handles("/.well-known/oauth-authorization-server/tenant")).isTrue();
    assertThat(PlainRelay.handles("/.well-known/openid-configuration")).isTrue();
    assertThat(PlainRelay.handles("/.well-known/oauth-protected-resourcex")).isFalse();
    assertThat(PlainRelay.handles("/.well-known/security.txt")).isFalse();
    assertThat(PlainRelay.handles("/mcp")).isFalse();
    assertThat(PlainRelay.handles("/token")).as("2025-03-26 default endpoints").isTrue();
    assertThat(PlainRelay.handles("/authorize")).isTrue();
    assertThat(PlainRelay.handles("/register")).isTrue();
    assertThat(PlainRelay.handles("/token/x")).isFalse();
  }

  @Test
  void theProxysResourcePathMapsToTheUpstreamsAndEverythingElsePasses() {
    HttpProxyConfig c = config("http://up:9/v1/mcp?x=1");
    assertThat(PlainRelay.upstreamTarget("/.well-known/oauth-protected-resource/mcp", c))
        .isEqualTo("/.well-known/oauth-protected-resource/v1/mcp");
    assertThat(PlainRelay.upstreamTarget("/.well-known/oauth-authorization-server?a=b", c))
        .isEqualTo("/.well-known/oauth-authorization-server?a=b");
    assertThat(PlainRelay.upstreamTarget("/.well-known/oauth-protected-resource/other", c))
        .isEqualTo("/.well-known/oauth-protected-resource/other");
    assertThat(
            PlainRelay.upstreamTarget(
                "/.well-known/oauth-protected-resource/mcp", config("http://up:9/")))
        .isEqualTo("/.well-known/oauth-protected-resource");
  }
}
