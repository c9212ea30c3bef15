package dev.aegis.guard.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads and validates {@code aegis-manifest.json}: strict JSON (a duplicate key is an error), no
 * unknown keys, right types, then every rule of docs/manifest.md; all problems are reported
 * together in one {@link ManifestException}. Stateless and thread-safe.
 */
public final class ManifestLoader {
  /** Largest manifest file read: 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  private ManifestLoader() {}

  /** Reads and validates a manifest file; I/O failures are {@link IOException}s. */
  public static Manifest load(Path file) throws IOException, ManifestException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new ManifestException(
          List.of(
              Problems.line(
                  "$", "file is larger than " + MAX_BYTES + " bytes", "a manifest under 1 MiB")));
    }
    return parse(bytes);
  }

  /** Parses and validates manifest JSON (UTF-8). */
  public static Manifest parse(byte[] utf8) throws ManifestException {
    JsonNode root;
    try {
      root = Json.parse(utf8);
    } catch (JsonProcessingException e) {
      throw new ManifestException(List.of(syntaxProblem(e)));
    } catch (IOException e) {
      throw new ManifestException(
          List.of(Problems.line("$", "cannot be read: " + e.getMessage(), "JSON text")));
    }
    if (root == null || root.isMissingNode()) {
      throw new ManifestException(List.of(Problems.line("$", "is empty", "a JSON object")));
    }
    Problems p = new Problems();
    ManifestShape.check(root, p);
    if (!root.isObject()) {
      p.throwIfAny();
    }
    ManifestTree tree = new ManifestTree(root, p);
    ManifestRules.check(tree);
    p.throwIfAny();
    return ManifestBuilder.build((ObjectNode) root, tree);
  }

  /** Describes a JSON syntax error, naming the key of a duplicate. */
  private static String syntaxProblem(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    String message = e.getOriginalMessage();
    if (message != null
        && message.startsWith("Duplicate field")
        && e.getProcessor() instanceof JsonParser parser) {
      return Problems.line(
          path(parser.getParsingContext()), "duplicate key" + where, "each key once");
    }
    if (message != null && message.startsWith("Trailing token")) {
      return Problems.line("$", "has more after the JSON object" + where, "one JSON object");
    }
    return Problems.line("$", "is not valid JSON" + where + ": " + message, "a JSON object");
  }

  /** The path of the parser's current position, in the notation of problem messages. */
  private static String path(JsonStreamContext ctx) {
    List<JsonStreamContext> chain = new ArrayList<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      chain.add(c);
    }
    Collections.reverse(chain);
    String path = "$";
    for (JsonStreamContext c : chain) {
      if (c.inObject()) {
        path = Problems.key(path, c.getCurrentName() == null ? "" : c.getCurrentName());
      } else {
        path = Problems.index(path, Math.max(0, c.getCurrentIndex()));
      }
    }
    return path;
  }
}
