package dev.aegis.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates the Node.js MCP peers that {@code npm ci} installs at the repository root. */
public final class NodePeers {

  private NodePeers() {}

  /**
   * Returns the repository root: the {@code aegis.root} system property, else the nearest ancestor
   * of {@code user.dir} that holds {@code mvnw}.
   */
  public static Path repoRoot() {
    String configured = System.getProperty("aegis.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "repository root not found: no mvnw above " + start + " and -Daegis.root is unset");
  }

  /**
   * Returns the command line that starts {@code @modelcontextprotocol/server-everything} on stdio.
   */
  public static List<String> everythingServer() {
    // index.js picks the transport from argv[2]: stdio | sse | streamableHttp.
    return List.of(bin("mcp-server-everything").toString(), "stdio");
  }

  /**
   * Returns the command line that starts {@code @modelcontextprotocol/server-filesystem} on stdio.
   */
  public static List<String> filesystemServer(List<Path> allowedDirectories) {
    List<String> command = new ArrayList<>();
    command.add(bin("mcp-server-filesystem").toString());
    allowedDirectories.forEach(dir -> command.add(dir.toAbsolutePath().toString()));
    return List.copyOf(command);
  }

  /**
   * Returns the command line that starts {@code mcp-server-commands} on stdio: one tool, {@code
   * run_command}, which runs its {@code command} string through {@code /bin/sh -c}.
   */
  public static List<String> commandsServer() {
    return List.of(bin("mcp-server-commands").toString());
  }

  /** Returns the path of {@code @modelcontextprotocol/inspector-cli}'s launcher. */
  public static Path inspectorCli() {
    return bin("mcp-inspector-cli");
  }

  /**
   * Returns the command line that runs the pinned {@code @modelcontextprotocol/conformance} suite
   * on the pinned Node 22 ({@code node_modules/node}; the suite does not run on Node 20); append
   * {@code server --url URL} or {@code client --command CMD}.
   */
  public static List<String> conformanceSuite() {
    Path root = repoRoot().resolve("node_modules");
    Path node = root.resolve("node").resolve("bin").resolve("node");
    Path suite =
        root.resolve("@modelcontextprotocol").resolve("conformance").resolve("dist/index.js");
    if (!Files.isExecutable(node) || !Files.isRegularFile(suite)) {
      throw new IllegalStateException(
          node + " or " + suite + " is missing: run npm ci at the repo root");
    }
    return List.of(node.toString(), suite.toString());
  }

  /** Returns {@code node_modules/.bin/NAME}, failing with a fix-it message when it is missing. */
  public static Path bin(String name) {
    Path root = repoRoot();
    Path launcher = root.resolve("node_modules").resolve(".bin").resolve(name);
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(
          launcher + " is missing: run npm ci at the repo root (" + root + ")");
    }
    return launcher;
  }
}
