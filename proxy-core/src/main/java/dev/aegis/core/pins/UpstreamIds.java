package dev.aegis.core.pins;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.util.List;

/**
 * Names of upstreams, the servers pins belong to. A stdio server is named by its command line:
 * {@code stdio:} + the file name of the command + {@code :} + the first 16 hex digits of the
 * SHA-256 of the argv as a JSON array under the one hashing rule (RFC 8785). The environment and
 * the working directory are not part of it, so the same command line names the same upstream
 * wherever it runs; an operator who wants another grouping gives {@code --upstream-id}. Stateless.
 */
public final class UpstreamIds {
  /** Longest upstream id accepted. */
  public static final int MAX_LENGTH = 200;

  private UpstreamIds() {}

  /** The id of a stdio server started with {@code argv} (not empty). */
  public static String stdio(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv: empty (expected: the server's command line)");
    }
    ArrayNode array = Json.MAPPER.createArrayNode();
    argv.forEach(array::add);
    String command = argv.get(0).replaceAll(".*[/\\\\]", "").replaceAll("\\p{Cntrl}", "?");
    if (command.length() > 64) {
      command = command.substring(0, 64);
    }
    return "stdio:" + command + ":" + EnvelopeHasher.hashOf(array).substring(0, 16);
  }

  /**
   * Checks an operator-given id: 1-{@value #MAX_LENGTH} characters, no surrounding or control
   * characters. Returns it; throws {@link IllegalArgumentException} naming the problem.
   */
  public static String check(String id) {
    boolean bad =
        id == null
            || id.isBlank()
            || id.length() > MAX_LENGTH
            || !id.strip().equals(id)
            || id.chars().anyMatch(Character::isISOControl);
    if (bad) {
      throw new IllegalArgumentException(
          "upstream-id: '"
              + id
              + "' (expected: 1-"
              + MAX_LENGTH
              + " characters without control characters or surrounding spaces)");
    }
    return id;
  }
}
