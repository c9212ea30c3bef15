package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataRelayTest {
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
    assertThat(MetadataRelay.handles("/.well-known/oauth-protected-resource")).isTrue();
    assertThat(MetadataRelay.handles("/.well-known/oauth-protected-resource/mcp")).isTrue();
    assertThat(MetadataRelay.handles("/.well-known/oauth-authorization-server/tenant")).isTrue();
    assertThat(MetadataRelay.handles("/.well-known/openid-configuration")).isTrue();
    assertThat(MetadataRelay.handles("/.well-known/oauth-protected-resourcex")).isFalse();
    assertThat(MetadataRelay.handles("/.well-known/security.txt")).isFalse();
    assertThat(MetadataRelay.handles("/mcp")).isFalse();
  }

  @Test
  void theProxysResourcePathMapsToTheUpstreamsAndEverythingElsePasses() {
    HttpProxyConfig c = config("http://up:9/v1/mcp?x=1");
    assertThat(MetadataRelay.upstreamTarget("/.well-known/oauth-protected-resource/mcp", c))
        .isEqualTo("/.well-known/oauth-protected-resource/v1/mcp");
    assertThat(MetadataRelay.upstreamTarget("/.well-known/oauth-authorization-server?a=b", c))
        .isEqualTo("/.well-known/oauth-authorization-server?a=b");
    assertThat(MetadataRelay.upstreamTarget("/.well-known/oauth-protected-resource/other", c))
        .isEqualTo("/.well-known/oauth-protected-resource/other");
    assertThat(
            MetadataRelay.upstreamTarget(
                "/.well-known/oauth-protected-resource/mcp", config("http://up:9/")))
        .isEqualTo("/.well-known/oauth-protected-resource");
  }
}
