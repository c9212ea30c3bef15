package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import java.util.Base64;
import java.util.HexFormat;

/** Envelopes and stored records as the API's JSON (snake_case, hashes as lowercase hex). */
final class EventJson {
  private EventJson() {}

  /** A stored record as its envelope, parsed from the sealed bytes, with its hash. */
  static ObjectNode of(ChainRecord r) {
    ObjectNode o = EnvelopeHasher.fields(EnvelopeHasher.parse(r.sealed()));
    o.put("hash", r.hash());
    return o;
  }

  /**
   * A hash given by a client: 64 hex digits, or (as the seed's clients send it) the standard base64
   * of the 32 raw bytes; null when absent. 400 otherwise.
   */
  static String hash(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      String s = v.textValue();
      if (s.length() == 64 && Hex.isSha256(s.toLowerCase(java.util.Locale.ROOT))) {
        return s.toLowerCase(java.util.Locale.ROOT);
      }
      try {
        byte[] raw = Base64.getDecoder().decode(s);
        if (raw.length == 32) {
          return HexFormat.of().formatHex(raw);
        }
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw ApiException.badRequest(
        field + ": expected a SHA-256 as 64 hex digits (or base64 of its 32 bytes)");
  }

  /** A required non-blank string field (at most 200 characters); 400 otherwise. */
  static String id(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.textValue().isBlank() || v.textValue().length() > 200) {
      throw ApiException.badRequest(field + ": required (a string of 1-200 characters)");
    }
    return v.textValue();
  }
}
