package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.cli.it.ConformanceRun.Verdict;
import dev.aegis.testsupport.ConformanceFixture;
import dev.aegis.testsupport.SdkTomcatServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential conformance: the MCP conformance suite's server scenarios run directly against a
 * real server and again through {@code aegis-proxy --listen … --upstream …}, with a manifest that
 * allows every tool the suite calls. The proxy is transparent when every check gets the same
 * verdict both ways; the direct run must pass checks of its own, so a broken suite run fails.
 */
class ConformanceDiffIT {
  /** The checks the MCP Java SDK 1.1.5 fixture cannot pass (docs/http.md, "Conformance"). */
  private static final List<String> SDK_LIMITS =
      List.of(
          "json-schema-2020-12/json-schema-2020-12-$schema FAILURE",
          "server-sse-polling/server-sse-priming-event WARNING",
          "server-sse-polling/server-sse-retry-field WARNING");

  @TempDir Path dir;

  @Test
  void theSdkTomcatFixtureGetsTheSameVerdictsDirectAndThroughTheProxy() throws Exception {
    Path manifest = ConformanceRun.manifest(dir.resolve("m.json"), ConformanceFixture.TOOLS);
    try (SdkTomcatServer server = SdkTomcatServer.start()) {
      Map<String, List<Verdict>> direct = ConformanceRun.server(server.url(), dir.resolve("d"));
      Map<String, List<Verdict>> proxied;
      try (ConformanceRun.Listening gw = ConformanceRun.proxy(dir, server.url(), manifest)) {
        proxied = ConformanceRun.server(gw.url(), dir.resolve("p"));
        assertThat(gw.proxy().stderr()).doesNotContain("LEAK");
      }
      assertThat(ConformanceRun.passed(direct)).isGreaterThanOrEqualTo(40);
      assertThat(ConformanceRun.notPassed(direct)).containsExactlyInAnyOrderElementsOf(SDK_LIMITS);
      assertThat(proxied).isEqualTo(direct);
    }
  }

  @Test
  void serverEverythingGetsTheSameVerdictsExceptTheProxysOwnHostCheck() throws Exception {
    List<String> tools = new ArrayList<>(HttpPeers.declaredTools("server-everything.json"));
    tools.addAll(ConformanceFixture.TOOLS); // what the suite calls: the upstream answers for them
    Path manifest = ConformanceRun.manifest(dir.resolve("m.json"), tools);
    int port = HttpPeers.freePort();
    Process everything = HttpPeers.everything(port, dir.resolve("everything.log"));
    try {
      String url = "http://127.0.0.1:" + port + "/mcp";
      Map<String, List<Verdict>> direct = ConformanceRun.server(url, dir.resolve("d"));
      Map<String, List<Verdict>> proxied;
      try (ConformanceRun.Listening gw = ConformanceRun.proxy(dir, url, manifest)) {
        proxied = ConformanceRun.server(gw.url(), dir.resolve("p"));
      }
      assertThat(ConformanceRun.passed(direct)).isGreaterThanOrEqualTo(10);
      // server-everything does not check Host; the proxy on loopback refuses a rebound name itself
      assertThat(direct.get("dns-rebinding-protection"))
          .contains(new Verdict("localhost-host-rebinding-rejected", "FAILURE"));
      assertThat(proxied.get("dns-rebinding-protection"))
          .containsExactly(
              new Verdict("localhost-host-rebinding-rejected", "SUCCESS"),
              new Verdict("localhost-host-valid-accepted", "SUCCESS"));
      assertThat(without(proxied, "dns-rebinding-protection"))
          .isEqualTo(without(direct, "dns-rebinding-protection"));
    } finally {
      everything.destroy();
    }
  }

  private static Map<String, List<Verdict>> without(Map<String, List<Verdict>> v, String scenario) {
    Map<String, List<Verdict>> copy = new TreeMap<>(v);
    assertThat(copy.remove(scenario)).as(scenario).isNotNull();
    return copy;
  }
}
