package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.cli.it.ConformanceRun.Verdict;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.chain.SessionSummary;
import dev.aegis.store.ChainStores;
import dev.aegis.testsupport.ConformanceClient;
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

  /** A client command line for the suite: this JVM's java and class path, then {@code args}. */
  private static String command(String... args) {
    List<String> cmd =
        new ArrayList<>(ProxyProcess.javaMain(ConformanceClientIT.class).subList(0, 3));
    cmd.addAll(List.of(args));
    return String.join(" ", cmd);
  }
}
