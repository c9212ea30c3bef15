package dev.aegis.testsupport;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An MCP Java SDK server (Streamable HTTP servlet transport) on embedded Tomcat, bound to an
 * ephemeral loopback port, serving the {@link ConformanceFixture}: the tools, resources and prompts
 * that the conformance suite's server scenarios call.
 *
 * <p>Thread-safe once started (Tomcat serves each request on its own thread); {@link #close()}
 * stops Tomcat and removes its base directory. Start failures surface as {@link
 * IllegalStateException}.
 */
public final class SdkTomcatServer implements AutoCloseable {
  /** The endpoint path, as the SDK transport serves it. */
  public static final String MCP_PATH = "/mcp";

  private final Tomcat tomcat;
  private final McpSyncServer server;
  private final Path baseDir;
  private final int port;

  private SdkTomcatServer(Tomcat tomcat, McpSyncServer server, Path baseDir, int port) {
    this.tomcat = tomcat;
    this.server = server;
    this.baseDir = baseDir;
    this.port = port;
  }

  /** Starts the fixture server on 127.0.0.1 and an ephemeral port; blocks until it listens. */
  public static SdkTomcatServer start() {
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .mcpEndpoint(MCP_PATH)
            .securityValidator(SdkTomcatServer::requireLoopback)
            .build();
    McpServer.StreamableSyncSpecification spec = McpServer.sync(transport);
    spec.serverInfo("aegis-conformance-fixture", "1.0.0").requestTimeout(Duration.ofSeconds(60));
    McpSyncServer server = ConformanceFixture.install(spec).build();
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("aegis-tomcat");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", baseDir.toString());
    Wrapper servlet = Tomcat.addServlet(context, "mcp", transport);
    servlet.setAsyncSupported(true);
    context.addServletMappingDecoded(MCP_PATH, "mcp");
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      server.close();
      deleteTree(baseDir);
      throw new IllegalStateException("Tomcat did not start", e);
    }
    return new SdkTomcatServer(tomcat, server, baseDir, connector.getLocalPort());
  }

  /**
   * Runs the fixture server until the process is killed, printing {@code listening on URL} to
   * stderr: for running the conformance suite by hand (docs/http.md).
   */
  public static void main(String[] args) throws InterruptedException {
    SdkTomcatServer server = start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.err.println("SdkTomcatServer: listening on " + server.url());
    Thread.currentThread().join();
  }

  /** The port Tomcat listens on. */
  public int port() {
    return port;
  }

  /** The MCP endpoint, {@code http://127.0.0.1:PORT/mcp}. */
  public String url() {
    return "http://127.0.0.1:" + port + MCP_PATH;
  }

  /** Stops Tomcat and the SDK server; idempotent, never throws. */
  @Override
  public void close() {
    server.close();
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      System.err.println("SdkTomcatServer: stop failed: " + e);
    }
    deleteTree(baseDir);
  }

  /**
   * DNS-rebinding protection as the transport spec asks of a local server: a {@code Host} or {@code
   * Origin} naming anything but loopback gets 403 (the SDK's validator compares exact host:port
   * strings, and the port is only known after Tomcat binds).
   */
  private static void requireLoopback(Map<String, List<String>> headers)
      throws ServerTransportSecurityException {
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      for (String value : h.getValue()) {
        if (name.equals("host") && !loopback(value)) {
          throw new ServerTransportSecurityException(403, "Host not allowed");
        }
        if (name.equals("origin") && !loopback(originHost(value))) {
          throw new ServerTransportSecurityException(403, "Origin not allowed");
        }
      }
    }
  }

  private static String originHost(String origin) {
    try {
      URI uri = URI.create(origin.trim());
      return uri.getHost() == null ? "" : uri.getHost();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static boolean loopback(String hostAndPort) {
    String host = hostAndPort.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      return host.startsWith("[::1]");
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory left behind is harmless
    }
  }
}
