package dev.aegis.core.pins;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import java.nio.charset.StandardCharsets;

/**
 * One tool definition as the pin store keeps it: the whole tool object as RFC 8785 canonical JSON,
 * its SHA-256 under the one hashing rule (the digest the session's catalog events carry), when it
 * was pinned or seen, and in which session. Immutable.
 *
 * @param sha256 lowercase hex digest of {@code definition}
 * @param definition the canonical JSON text of the tool object
 * @param unixMs when it was pinned (or seen), milliseconds since the epoch
 * @param sessionId the session that listed it, or null (unknown)
 */
public record StoredDefinition(String sha256, String definition, long unixMs, String sessionId) {
  /** Checks the required fields. */
  public StoredDefinition {
    requireNonNull(sha256, "sha256");
    requireNonNull(definition, "definition");
  }

  /** The stored form of a tool object a server listed. */
  public static StoredDefinition of(JsonNode tool, long unixMs, String sessionId) {
    byte[] canonical = EnvelopeHasher.canonicalize(EnvelopeHasher.normalize(tool));
    return new StoredDefinition(
        Hex.sha256(canonical), new String(canonical, StandardCharsets.UTF_8), unixMs, sessionId);
  }

  /** The same definition, pinned at another time by another session. */
  public StoredDefinition at(long unixMs, String sessionId) {
    return new StoredDefinition(sha256, definition, unixMs, sessionId);
  }

  /** The digest only: definitions are the server's text and may be long. */
  @Override
  public String toString() {
    return "StoredDefinition[sha256=" + sha256 + ", unixMs=" + unixMs + "]";
  }
}
