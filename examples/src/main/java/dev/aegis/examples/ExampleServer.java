package dev.aegis.examples;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A deterministic MCP server over stdio, written with the MCP Java SDK, used as a real peer.
 *
 * <p>Tools: {@code echo}, {@code add}, {@code count_slowly}, {@code confirm_action}, {@code
 * ask_model}, {@code read_note}, {@code delete_note} and {@code redact}; plus one resource and one
 * prompt.
 */
public final class ExampleServer {

  /** The server name reported in the initialize result. */
  public static final String NAME = "aegis-example";

  static final String VERSION = "1.0.0";

  private ExampleServer() {}

  /** Serves MCP on stdin/stdout until stdin reaches end of file, then exits with status 0. */
  public static void main(String[] args) throws InterruptedException {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    PrintStream protocolOut = System.out;
    // stdout carries only MCP frames: anything else that prints lands on stderr.
    System.setOut(System.err);
    CountDownLatch stdinClosed = new CountDownLatch(1);
    var transport =
        new SerializingServerTransportProvider(
            new StdioServerTransportProvider(
                McpJsonDefaults.getMapper(),
                new EofSignallingInputStream(System.in, stdinClosed::countDown),
                protocolOut));
    McpSyncServer server =
        McpServer.sync(transport)
            .serverInfo(NAME, VERSION)
            .capabilities(
                ServerCapabilities.builder()
                    .tools(false)
                    .resources(false, false)
                    .prompts(false)
                    .build())
            .tools(ExampleTools.all())
            .resources(ExampleContent.note())
            .prompts(ExampleContent.summarizePrompt())
            .build();
    stdinClosed.await();
    server.close();
    protocolOut.flush();
    // The SDK's stdio threads are non-daemon; exit explicitly so EOF always means status 0.
    System.exit(0);
  }

  /** Returns the command line that starts this server in a child JVM on the current class path. */
  public static List<String> javaCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java, "-cp", System.getProperty("java.class.path"), ExampleServer.class.getName());
  }
}
