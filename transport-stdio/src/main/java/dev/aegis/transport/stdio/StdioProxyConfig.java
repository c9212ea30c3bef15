package dev.aegis.transport.stdio;

import java.time.Duration;
import java.util.List;

/**
 * Settings of the stdio transport, validated on construction.
 *
 * @param command the MCP server's argv (never its environment)
 * @param maxFrameBytes largest frame accepted in either direction
 * @param shutdownGrace how long the child may take to exit after its stdin is closed
 */
public record StdioProxyConfig(List<String> command, int maxFrameBytes, Duration shutdownGrace) {
  /** Large enough for base64 images in tool results. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

  /** Default wait for the child after closing its stdin. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** Validates every field. */
  public StdioProxyConfig {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command: empty (expected: -- CMD [ARGS...])");
    }
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: > 0)");
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace: " + shutdownGrace + " (expected: >= 0)");
    }
  }
}
