package dev.aegis.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;

/**
 * The one hashing authority: defines the sealed bytes of an envelope and their hash.
 *
 * <p>Sealed bytes are RFC 8785 (JCS) canonical JSON of the object {@code {tenant_id, user_id,
 * session_id, seq, ts_unix_ms, event_type, payload, prev_hash}} ({@code prev_hash} omitted at seq
 * 0, {@code user_id} "" when unset); the hash is SHA-256 of those bytes in lowercase hex.
 *
 * <p>To keep hashing total and injective, payloads are normalised first: an integer literal whose
 * magnitude exceeds 2^53 - 1 becomes its decimal string (JCS would round it to a double), a number
 * beyond the range of a double ({@code 1E400}) becomes its decimal string too (JCS cannot express
 * it), and a lone UTF-16 surrogate in any string or key becomes U+FFFD (JCS has no encoding for
 * it). Other numbers follow JCS (IEEE-754 double, ECMAScript formatting). Thread-safe and
 * stateless.
 */
public final class EnvelopeHasher {
  private static final BigInteger MAX_SAFE = BigInteger.valueOf((1L << 53) - 1);
  private static final BigInteger MIN_SAFE = MAX_SAFE.negate();

  private EnvelopeHasher() {}

  /** A sealed envelope: its canonical bytes and their hash. */
  public record Sealed(Envelope envelope, byte[] canonical, String hash) {
    @Override
    public String toString() {
      return "Sealed[" + envelope + " " + hash + "]";
    }
  }

  /** Normalises the payload, then computes the sealed bytes and hash of the envelope. */
  public static Sealed seal(Envelope envelope) {
    Envelope normal =
        new Envelope(
            envelope.tenantId(),
            envelope.userId(),
            envelope.sessionId(),
            envelope.seq(),
            envelope.tsUnixMs(),
            envelope.eventType(),
            normalize(envelope.payload()),
            envelope.prevHash());
    byte[] bytes = canonicalBytes(normal);
    return new Sealed(normal, bytes, Hex.sha256(bytes));
  }

  /** The JCS bytes of the envelope without {@code hash}; the payload must already be normal. */
  public static byte[] canonicalBytes(Envelope e) {
    return canonicalize(fields(e));
  }

  /**
   * The envelope's fields as a JSON object, without {@code hash} ({@code prev_hash} omitted at seq
   * 0): what is hashed, and what APIs show beside the stored hash.
   */
  public static ObjectNode fields(Envelope e) {
    ObjectNode o = Json.object();
    o.put("tenant_id", e.tenantId());
    o.put("user_id", e.userId());
    o.put("session_id", e.sessionId());
    o.put("seq", e.seq());
    o.put("ts_unix_ms", e.tsUnixMs());
    o.put("event_type", e.eventType());
    o.set("payload", e.payload());
    if (e.prevHash() != null) {
      o.put("prev_hash", e.prevHash());
    }
    return o;
  }

  /** SHA-256 (lowercase hex) of the canonical bytes of a normalised value. */
  public static String hashOf(JsonNode value) {
    return Hex.sha256(canonicalize(normalize(value)));
  }

  /**
   * RFC 8785 bytes of a JSON value that has been normalised. Written straight from the tree (keys
   * sorted by UTF-16 code units, JCS string escaping), with numbers formatted by
   * java-json-canonicalization's ECMAScript serialiser; a test checks it against that library's own
   * canonicaliser on generated values, and the golden vectors pin it.
   */
  public static byte[] canonicalize(JsonNode normalValue) {
    StringBuilder out = new StringBuilder(256);
    write(normalValue, out);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The reference: java-json-canonicalization's own canonicaliser (slower: it re-parses). */
  static byte[] canonicalizeWithLibrary(JsonNode normalValue) {
    try {
      return new JsonCanonicalizer(Json.write(normalValue)).getEncodedUTF8();
    } catch (IOException e) {
      throw new UncheckedIOException("canonicalisation of our own JSON failed", e);
    }
  }

  private static void write(JsonNode v, StringBuilder out) {
    switch (v.getNodeType()) {
      case OBJECT:
        List<String> keys = new ArrayList<>(v.size());
        v.fieldNames().forEachRemaining(keys::add);
        Collections.sort(keys); // String order is UTF-16 code unit order, as RFC 8785 requires
        out.append('{');
        for (int i = 0; i < keys.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          writeString(keys.get(i), out);
          out.append(':');
          write(v.get(keys.get(i)), out);
        }
        out.append('}');
        break;
      case ARRAY:
        out.append('[');
        for (int i = 0; i < v.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(v.get(i), out);
        }
        out.append(']');
        break;
      case STRING:
        writeString(v.textValue(), out);
        break;
      case NUMBER:
        writeNumber(v, out);
        break;
      case BOOLEAN:
        out.append(v.booleanValue() ? "true" : "false");
        break;
      case NULL:
        out.append("null");
        break;
      default:
        throw new IllegalArgumentException("not a JSON value: " + v.getNodeType());
    }
  }

  private static void writeNumber(JsonNode v, StringBuilder out) {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      out.append(v.longValue()); // normalised: |v| <= 2^53 - 1, exact as a double
      return;
    }
    try {
      out.append(NumberToJSON.serializeNumber(v.doubleValue()));
    } catch (IOException e) {
      throw new IllegalArgumentException("number not representable in JCS: " + v, e);
    }
  }

  static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * Parses sealed bytes back into an envelope, for verification. Throws {@link
   * IllegalArgumentException} naming the problem when the bytes are not a well-formed envelope.
   */
  public static Envelope parse(byte[] sealed) {
    JsonNode n;
    try {
      n = Json.parse(sealed);
    } catch (IOException e) {
      throw new IllegalArgumentException("sealed bytes are not JSON: " + e.getMessage());
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException("sealed bytes are not a JSON object");
    }
    return new Envelope(
        text(n, "tenant_id"),
        text(n, "user_id"),
        text(n, "session_id"),
        integer(n, "seq"),
        integer(n, "ts_unix_ms"),
        text(n, "event_type"),
        require(n, "payload"),
        n.has("prev_hash") ? text(n, "prev_hash") : null);
  }

  private static JsonNode require(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null) {
      throw new IllegalArgumentException("sealed envelope lacks " + field);
    }
    return v;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = require(n, field);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("sealed envelope field " + field + " is not a string");
    }
    return v.textValue();
  }

  private static long integer(JsonNode n, String field) {
    JsonNode v = require(n, field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("sealed envelope field " + field + " is not an integer");
    }
    return v.longValue();
  }

  /**
   * Returns a copy of the value with big integers as decimal strings and lone surrogates replaced.
   * Values that need no change are returned as they are.
   */
  public static JsonNode normalize(JsonNode value) {
    if (value == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (!needsNormalizing(value)) {
      return value;
    }
    return rebuild(value);
  }

  private static boolean needsNormalizing(JsonNode v) {
    switch (v.getNodeType()) {
      case NUMBER:
        return isUnsafeInteger(v) || (v.isFloatingPointNumber() && !isFinite(v));
      case STRING:
        return hasLoneSurrogate(v.textValue());
      case ARRAY:
        for (JsonNode c : v) {
          if (needsNormalizing(c)) {
            return true;
          }
        }
        return false;
      case OBJECT:
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (hasLoneSurrogate(e.getKey()) || needsNormalizing(e.getValue())) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }

  private static JsonNode rebuild(JsonNode v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (v.getNodeType()) {
      case NUMBER:
        if (isUnsafeInteger(v)) {
          return f.textNode(v.bigIntegerValue().toString());
        }
        if (v.isFloatingPointNumber() && !isFinite(v)) {
          if (v.isBigDecimal()) {
            return f.textNode(v.decimalValue().toString());
          }
          throw new IllegalArgumentException("non-finite number in payload");
        }
        return v;
      case STRING:
        return f.textNode(replaceLoneSurrogates(v.textValue()));
      case ARRAY:
        ArrayNode a = f.arrayNode(v.size());
        for (JsonNode c : v) {
          a.add(rebuild(c));
        }
        return a;
      case OBJECT:
        ObjectNode o = f.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          o.set(replaceLoneSurrogates(e.getKey()), rebuild(e.getValue()));
        }
        return o;
      default:
        return v;
    }
  }

  private static boolean isFinite(JsonNode v) {
    return Double.isFinite(v.doubleValue());
  }

  private static boolean isUnsafeInteger(JsonNode v) {
    if (!v.isIntegralNumber()) {
      return false;
    }
    if (v.canConvertToLong()) {
      long l = v.longValue();
      return l > MAX_SAFE.longValue() || l < MIN_SAFE.longValue();
    }
    return true;
  }

  static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  static String replaceLoneSurrogates(String s) {
    if (!hasLoneSurrogate(s)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
