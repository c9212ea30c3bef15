package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.cli.it.ConformanceRun.Verdict;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.store.ChainStores;
import dev.aegis.testsupport.ConformanceClient;
import dev.aegis.testsupport.NodePeers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite's client mode, differential: the suite starts its own test server per
 * scenario and runs a client command against it; the client is the MCP Java SDK ({@link
 * ConformanceClient}), once directly and once through {@code aegis-proxy --listen 127.0.0.1:0
 * --upstream SUITE_URL} ({@link ProxiedConformanceClient}). Every check must get the same verdict
 * both ways, and every proxied session's chain must verify.
 */
class ConformanceClientIT {
  /** The client scenarios a client without OAuth can take part in. */
  private static final List<String> SCENARIOS =
      List.of("initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry");

  /**
   * The OAuth scenarios: discovery from the 401's {@code WWW-Authenticate}, or at the MCP server's
   * origin (the proxy relays {@code /.well-known/oauth-*} and the 2025-03-26 fallback endpoints).
   */
  private static final List<String> OAUTH_SCENARIOS =
      List.of(
          "auth/metadata-default",
          "auth/metadata-var1",
          "auth/metadata-var2",
          "auth/metadata-var3",
          "auth/2025-03-26-oauth-metadata-backcompat",
          "auth/2025-03-26-oauth-endpoint-fallback",
          "auth/basic-cimd",
          "auth/scope-from-www-authenticate",
          "auth/scope-from-scopes-supported",
          "auth/scope-omitted-when-undefined",
          "auth/scope-step-up",
          "auth/scope-retry-limit",
          "auth/token-endpoint-auth-basic",
          "auth/token-endpoint-auth-post",
          "auth/token-endpoint-auth-none",
          "auth/pre-registration",
          "auth/resource-mismatch",
          "auth/offline-access-scope",
          "auth/offline-access-not-supported",
          "auth/client-credentials-jwt",
          "auth/client-credentials-basic",
          "auth/cross-app-access-complete-flow");

  @TempDir Path dir;

  @Test
  void theSdkClientGetsTheSameVerdictsDirectAndThroughTheProxy() throws Exception {
    Path chains = dir.resolve("chains");
    String direct = command(ConformanceClient.class.getName());
    String proxied =
        command(
            "-Dconformance.dir=" + chains,
            "-Daegis.root=" + ProxyProcess.ROOT,
            ProxiedConformanceClient.class.getName());
    Map<String, List<Verdict>> viaProxy = new LinkedHashMap<>();
    Map<String, List<Verdict>> straight = new LinkedHashMap<>();
    for (String scenario : SCENARIOS) {
      straight.put(scenario, ConformanceRun.client(direct, scenario, dir.resolve("d-" + scenario)));
      viaProxy.put(
          scenario, ConformanceRun.client(proxied, scenario, dir.resolve("p-" + scenario)));
    }
    assertThat(ConformanceRun.passed(straight)).isGreaterThanOrEqualTo(8);
    assertThat(viaProxy).isEqualTo(straight);

    for (String scenario : SCENARIOS) {
      String url = "sqlite:" + chains.resolve(scenario).resolve("chain.db");
      List<SessionSummary> sessions;
      try (ChainStore s = ChainStores.open(url, Durability.NORMAL)) {
        sessions = s.sessions("default");
      }
      assertThat(sessions).as(scenario).isNotEmpty();
      for (SessionSummary session : sessions) {
        assertThat(Chains.verify(url, "default", session.sessionId()).valid())
            .as(scenario)
            .isTrue();
      }
    }
  }

  @Test
  void anOAuthClientGetsTheSameVerdictsDirectAndThroughTheProxy() throws Exception {
    Path chains = dir.resolve("chains");
    String oauthClient =
        NodePeers.conformanceSuite().get(0)
            + " "
            + ProxyProcess.ROOT.resolve("cli/src/test/resources/conformance/oauth-client.mjs");
    String proxied =
        command(
                "-Dconformance.dir=" + chains,
                "-Daegis.root=" + ProxyProcess.ROOT,
                ProxiedConformanceClient.class.getName())
            + " "
            + oauthClient;
    Map<String, List<Verdict>> viaProxy = new LinkedHashMap<>();
    Map<String, List<Verdict>> straight = new LinkedHashMap<>();
    for (String scenario : OAUTH_SCENARIOS) {
      String out = scenario.replace('/', '_');
      straight.put(scenario, ConformanceRun.client(oauthClient, scenario, dir.resolve("d" + out)));
      viaProxy.put(scenario, ConformanceRun.client(proxied, scenario, dir.resolve("p" + out)));
    }
    assertThat(ConformanceRun.passed(straight)).isGreaterThanOrEqualTo(200);
    assertThat(viaProxy).isEqualTo(straight);

    // the authorized session went through the proxy: its calls are sealed and the chain verifies
    String url = "sqlite:" + chains.resolve("auth_metadata-default").resolve("chain.db");
    List<SessionSummary> sessions;
    try (ChainStore s = ChainStores.open(url, Durability.NORMAL)) {
      sessions = s.sessions("default");
    }
    List<String> methods = new ArrayList<>();
    for (SessionSummary session : sessions) {
      assertThat(Chains.verify(url, "default", session.sessionId()).valid()).isTrue();
      Chains.frames(Chains.read(url, "default", session.sessionId()), "client_to_server")
          .forEach(e -> methods.add(e.field("method")));
    }
    assertThat(methods).contains("initialize", "tools/list", "tools/call");
  }

  /** A client command line for the suite: this JVM's java and class path, then {@code args}. */
  private static String command(String... args) {
    List<String> cmd =
        new ArrayList<>(ProxyProcess.javaMain(ConformanceClientIT.class).subList(0, 3));
    cmd.addAll(List.of(args));
    return String.join(" ", cmd);
  }
}
