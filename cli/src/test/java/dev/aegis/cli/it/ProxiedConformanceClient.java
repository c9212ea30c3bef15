package dev.aegis.cli.it;

import dev.aegis.testsupport.ConformanceClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The client command of {@link ConformanceClientIT}'s proxied runs, started by the conformance
 * suite with its test server's URL as the last argument: starts {@code aegis-proxy --listen
 * 127.0.0.1:0 --upstream URL} (the same path on both sides), runs the client against the proxy,
 * then stops the proxy with SIGTERM and copies its stderr to this process's stderr. The client is
 * {@link ConformanceClient} in this JVM, or the command given before the URL (the proxy's URL
 * appended; at most three minutes).
 *
 * <p>The chain goes to {@code -Dconformance.dir}/SCENARIO (a fresh temporary directory when unset).
 * Exit code 1 when the client or the proxy fails.
 */
final class ProxiedConformanceClient {
  /** The tools the suite's client scenarios offer, allowed by the proxy's manifest. */
  static final List<String> TOOLS =
      List.of("add_numbers", "test_client_elicitation_defaults", "test_reconnection", "test-tool");

  private ProxiedConformanceClient() {}

  /** Proxy, client, proxy stop; exits 1 when either failed (see the class comment). */
  public static void main(String[] args) throws Exception {
    String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "unnamed");
    URI upstream = URI.create(args[args.length - 1]);
    String path =
        upstream.getRawPath() == null || upstream.getRawPath().isEmpty()
            ? "/"
            : upstream.getRawPath();
    String configured = System.getProperty("conformance.dir");
    Path dir =
        configured == null
            ? Files.createTempDirectory("aegis-conformance")
            : Files.createDirectories(Path.of(configured).resolve(scenario.replace('/', '_')));
    Path manifest = ConformanceRun.manifest(dir.resolve("m.json"), TOOLS);
    int exit = 0;
    try (ConformanceRun.Listening gw =
        ConformanceRun.proxy(
            dir,
            upstream.getScheme() + "://" + upstream.getRawAuthority() + path,
            manifest,
            "--mcp-path",
            path)) {
      // the suite kills a client that overruns its timeout: take the proxy along
      Runtime.getRuntime().addShutdownHook(new Thread(gw::close));
      if (args.length > 1) {
        exit = runCommand(List.of(args).subList(0, args.length - 1), gw.url());
      } else {
        try {
          ConformanceClient.run(gw.url(), scenario);
        } catch (RuntimeException e) {
          System.err.println("ProxiedConformanceClient: " + e);
          exit = 1;
        }
      }
      gw.proxy().process.destroy();
      if (gw.proxy().waitFor(60) != 0) {
        exit = 1;
      }
      System.err.print(gw.proxy().stderr());
    }
    System.exit(exit);
  }

  private static int runCommand(List<String> command, String url) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(command);
    cmd.add(url);
    Process client = new ProcessBuilder(cmd).inheritIO().start();
    if (!client.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
      client.destroyForcibly();
      System.err.println("ProxiedConformanceClient: the client did not finish: " + cmd);
      return 1;
    }
    return client.exitValue();
  }
}
