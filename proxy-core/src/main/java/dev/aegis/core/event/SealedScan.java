package dev.aegis.core.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.erdtman.jcs.NumberToJSON;

/**
 * Sealed bytes read in one streaming pass, for verifying long chains fast: the envelope's fields,
 * whether the bytes are exactly what {@link EnvelopeHasher#seal} writes for them (checked by
 * writing each token back the way the sealer does, in the order read, and requiring keys in
 * ascending order — the same verdict as parsing, resealing and comparing, without building a tree),
 * and the payload's {@code body_sha256} and {@code body_len}. The payload itself is not kept.
 * Immutable.
 *
 * @param envelope the envelope with an empty payload
 * @param canonical true if the bytes are the sealer's canonical bytes for this envelope
 * @param bodySha256 the payload's {@code body_sha256} as text, or null when absent
 * @param bodyLen the payload's {@code body_len} (-1 if it is not a number), or null when absent
 */
public record SealedScan(Envelope envelope, boolean canonical, String bodySha256, Long bodyLen) {
  private static final ObjectNode NO_PAYLOAD = JsonNodeFactory.instance.objectNode();
  private static final long MAX_SAFE = (1L << 53) - 1;

  /**
   * Scans sealed bytes. Throws {@link IllegalArgumentException} with the same messages as {@link
   * EnvelopeHasher#parse} when the bytes are not an envelope.
   */
  public static SealedScan of(byte[] sealed) {
    return new Scanner(sealed).scan();
  }

  /** One pass over one record; not thread-safe, used once. */
  private static final class Scanner {
    private final byte[] sealed;
    private final StringBuilder out = new StringBuilder(512);
    private boolean canonical = true;
    private String tenant;
    private String user;
    private String session;
    private String type;
    private String prev;
    private boolean prevPresent;
    private Long seq;
    private Long ts;
    private boolean payload;
    private String bodySha256;
    private Long bodyLen;

    Scanner(byte[] sealed) {
      this.sealed = sealed;
    }

    SealedScan scan() {
      try (JsonParser p = Json.FACTORY.createParser(sealed)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IllegalArgumentException("sealed bytes are not a JSON object");
        }
        out.append('{');
        String key = null;
        int members = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          if (key != null && key.compareTo(k) >= 0) {
            canonical = false;
          }
          key = k;
          if (members++ > 0) {
            out.append(',');
          }
          EnvelopeHasher.writeString(k, out);
          out.append(':');
          topLevel(p, k);
        }
        out.append('}');
        if (p.nextToken() != null) {
          throw new IllegalArgumentException("sealed bytes are not JSON: trailing tokens");
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("sealed bytes are not JSON: " + e.getMessage());
      }
      Envelope e =
          new Envelope(
              require(tenant, "tenant_id"),
              require(user, "user_id"),
              require(session, "session_id"),
              require(seq, "seq"),
              require(ts, "ts_unix_ms"),
              require(type, "event_type"),
              NO_PAYLOAD,
              prevPresent ? require(prev, "prev_hash") : null);
      if (!payload) {
        throw new IllegalArgumentException("sealed envelope lacks payload");
      }
      canonical =
          canonical && Arrays.equals(out.toString().getBytes(StandardCharsets.UTF_8), sealed);
      return new SealedScan(e, canonical, bodySha256, bodyLen);
    }

    private static <T> T require(T value, String field) {
      if (value == null) {
        throw new IllegalArgumentException("sealed envelope lacks " + field);
      }
      return value;
    }

    private void topLevel(JsonParser p, String k) throws IOException {
      JsonToken t = p.nextToken();
      switch (k) {
        case "tenant_id" -> tenant = text(p, t, k);
        case "user_id" -> user = text(p, t, k);
        case "session_id" -> session = text(p, t, k);
        case "event_type" -> type = text(p, t, k);
        case "prev_hash" -> {
          prevPresent = true;
          prev = text(p, t, k);
        }
        case "seq" -> seq = integer(p, t, k);
        case "ts_unix_ms" -> ts = integer(p, t, k);
        case "payload" -> {
          payload = true;
          value(p, t, 1);
          return;
        }
        default -> {
          canonical = false; // the sealer writes no other field
          value(p, t, 0);
          return;
        }
      }
    }

    private String text(JsonParser p, JsonToken t, String k) throws IOException {
      if (t != JsonToken.VALUE_STRING) {
        throw new IllegalArgumentException("sealed envelope field " + k + " is not a string");
      }
      String s = p.getText();
      EnvelopeHasher.writeString(s, out);
      return s;
    }

    private long integer(JsonParser p, JsonToken t, String k) throws IOException {
      if (t != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new IllegalArgumentException("sealed envelope field " + k + " is not an integer");
      }
      long v = p.getLongValue();
      out.append(v);
      return v;
    }

    /**
     * Writes one payload value back as the sealer would; {@code depth} 1 is the payload itself,
     * whose members body_sha256 and body_len are noted (0: outside the payload).
     */
    private void value(JsonParser p, JsonToken t, int depth) throws IOException {
      switch (t) {
        case START_OBJECT -> {
          out.append('{');
          String last = null;
          int members = 0;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            if ((last != null && last.compareTo(k) >= 0) || EnvelopeHasher.hasLoneSurrogate(k)) {
              canonical = false;
            }
            last = k;
            if (members++ > 0) {
              out.append(',');
            }
            EnvelopeHasher.writeString(k, out);
            out.append(':');
            JsonToken v = p.nextToken();
            if (depth == 1) {
              note(p, k, v);
            }
            value(p, v, depth == 0 ? 0 : depth + 1);
          }
          out.append('}');
        }
        case START_ARRAY -> {
          out.append('[');
          int n = 0;
          for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
            if (n++ > 0) {
              out.append(',');
            }
            value(p, v, depth == 0 ? 0 : depth + 1);
          }
          out.append(']');
        }
        case VALUE_STRING -> {
          String s = p.getText();
          if (EnvelopeHasher.hasLoneSurrogate(s)) {
            canonical = false;
          }
          EnvelopeHasher.writeString(s, out);
        }
        case VALUE_NUMBER_INT -> {
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            canonical = false;
            out.append(p.getText());
          } else {
            long v = p.getLongValue();
            if (v > MAX_SAFE || v < -MAX_SAFE) {
              canonical = false;
            }
            out.append(v);
          }
        }
        case VALUE_NUMBER_FLOAT -> {
          BigDecimal d = p.getDecimalValue();
          double v = d.doubleValue();
          if (!Double.isFinite(v)) {
            canonical = false;
            out.append(p.getText());
          } else {
            out.append(NumberToJSON.serializeNumber(v));
          }
        }
        case VALUE_TRUE -> out.append("true");
        case VALUE_FALSE -> out.append("false");
        case VALUE_NULL -> out.append("null");
        default -> throw new IllegalArgumentException("sealed bytes are not JSON: " + t);
      }
    }

    /** Notes body_sha256 and body_len as the verifier reads them from a parsed payload. */
    private void note(JsonParser p, String k, JsonToken v) throws IOException {
      if (k.equals("body_sha256")) {
        bodySha256 = v.isScalarValue() ? p.getText() : "";
      } else if (k.equals("body_len")) {
        bodyLen = v.isNumeric() ? p.getValueAsLong() : -1L;
      }
    }
  }
}
