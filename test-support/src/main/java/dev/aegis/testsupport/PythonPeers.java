package dev.aegis.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Locates the Python MCP peers that {@code .ci/run} installs, pinned by {@code
 * requirements-peers.txt}, into the virtual environment {@code .venv-peers} at the repository root.
 */
public final class PythonPeers {

  private PythonPeers() {}

  /**
   * Returns the command line that starts the reference fetch server ({@code mcp-server-fetch}) on
   * stdio with {@code flags} (for example {@code --proxy-url URL}).
   */
  public static List<String> fetchServer(List<String> flags) {
    List<String> command = new ArrayList<>();
    command.add(bin("mcp-server-fetch").toString());
    command.addAll(flags);
    return List.copyOf(command);
  }

  /** Returns {@code .venv-peers/bin/NAME}, failing with a fix-it message when it is missing. */
  public static Path bin(String name) {
    Path root = NodePeers.repoRoot();
    Path launcher = root.resolve(".venv-peers").resolve("bin").resolve(name);
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(
          launcher
              + " is missing: run python3 -m venv .venv-peers && .venv-peers/bin/pip install -r"
              + " requirements-peers.txt at the repo root ("
              + root
              + "), as .ci/run does");
    }
    return launcher;
  }
}
