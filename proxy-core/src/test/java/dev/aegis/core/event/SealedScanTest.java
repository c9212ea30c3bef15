package dev.aegis.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming scan must give the verifier exactly the verdict of parsing, resealing and comparing
 * (the reference), on sealed envelopes and on hand-made near misses.
 */
class SealedScanTest {
  private static final String H = "a".repeat(64);

  /** "unreadable", "canonical" or "not canonical", by the reference route. */
  private static String reference(byte[] b) {
    Envelope e;
    try {
      e = EnvelopeHasher.parse(b);
    } catch (IllegalArgumentException ex) {
      return "unreadable";
    }
    try {
      return Arrays.equals(EnvelopeHasher.seal(e).canonical(), b) ? "canonical" : "not canonical";
    } catch (IllegalArgumentException ex) {
      return "not canonical";
    }
  }

  private static String scanned(byte[] b) {
    try {
      return SealedScan.of(b).canonical() ? "canonical" : "not canonical";
    } catch (IllegalArgumentException ex) {
      return "unreadable";
    }
  }

  private static JsonNode randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 3 ? 6 : 8);
    switch (kind) {
      case 0:
        return Json.object().textNode(randomText(r));
      case 1:
        return Json.object().numberNode(r.nextInt(2000) - 1000);
      case 2:
        return Json.object().numberNode(new BigDecimal(r.nextGaussian() * 1e6).setScale(3, 0));
      case 3:
        return Json.object().booleanNode(r.nextBoolean());
      case 4:
        return Json.object().nullNode();
      case 5:
        return Json.object().numberNode(BigInteger.ONE.shiftLeft(50 + r.nextInt(20)));
      case 6:
        ArrayNode a = Json.object().arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(randomValue(r, depth + 1));
        }
        return a;
      default:
        ObjectNode o = Json.object();
        for (int i = r.nextInt(5); i > 0; i--) {
          o.set(randomText(r), randomValue(r, depth + 1));
        }
        return o;
    }
  }

  private static String randomText(Random r) {
    String alphabet = "abcAB_\"\\\n\t\u0001é€😀/\u2028";
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(8); i > 0; i--) {
      int at = r.nextInt(alphabet.length());
      sb.append(alphabet.charAt(at));
      if (Character.isHighSurrogate(alphabet.charAt(at))) {
        sb.append(alphabet.charAt(at + 1));
      }
    }
    if (r.nextInt(20) == 0) {
      sb.append('\ud800'); // a lone surrogate, replaced when sealed
    }
    return sb.toString();
  }

  @Test
  void sealedEnvelopesScanCanonicalWithTheirFields() {
    Random r = new Random(5);
    for (int i = 0; i < 3000; i++) {
      ObjectNode payload = randomObject(r);
      if (r.nextBoolean()) {
        payload.put("body_sha256", H).put("body_len", i);
      }
      Envelope e =
          new Envelope(
              "t" + i,
              i % 2 == 0 ? "" : "u",
              "s",
              i,
              1700000000000L + i,
              "MCP_FRAME",
              payload,
              i == 0 ? null : H);
      EnvelopeHasher.Sealed s = EnvelopeHasher.seal(e);
      SealedScan scan = SealedScan.of(s.canonical());
      assertThat(scan.canonical()).as(new String(s.canonical(), StandardCharsets.UTF_8)).isTrue();
      assertThat(scan.envelope().seq()).isEqualTo(i);
      assertThat(scan.envelope().prevHash()).isEqualTo(e.prevHash());
      assertThat(scan.envelope().userId()).isEqualTo(e.userId());
      assertThat(scan.bodySha256()).isEqualTo(payload.has("body_sha256") ? H : null);
    }
  }

  private static ObjectNode randomObject(Random r) {
    JsonNode v = randomValue(r, 3);
    return v.isObject() ? (ObjectNode) v : Json.object().set("v", v);
  }

  @Test
  void nearMissesGetTheReferenceVerdict() {
    String base =
        "{\"event_type\":\"E\",\"payload\":%s,\"prev_hash\":\""
            + H
            + "\",\"seq\":1,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}";
    List<String> payloads =
        List.of(
            "{}",
            "{\"a\":1,\"b\":2}",
            "{\"b\":1,\"a\":2}",
            "{\"a\":1.0}",
            "{\"a\":1e2}",
            "{\"a\":100}",
            "{\"a\":1.5}",
            "{\"a\":-0}",
            "{\"a\":9007199254740993}",
            "{\"a\":123456789012345678901234567890}",
            "{\"a\":1e400}",
            "{\"a\":\"\\u0041\"}",
            "{\"a\":\"\\/\"}",
            "{\"a\":\"\\u001f\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\": 1}",
            "[1,2]",
            "\"x\"",
            "{\"a\":[{\"c\":1,\"b\":2}]}",
            "{\"a\":1,\"a\":2}",
            "{\"\\u00e9\":1,\"z\":2}",
            "{\"z\":1,\"\\u00e9\":2}",
            "{\"body_sha256\":\"" + H + "\",\"body_len\":3}");
    for (String p : payloads) {
      byte[] b = String.format(base, p).getBytes(StandardCharsets.UTF_8);
      assertThat(scanned(b)).as(p).isEqualTo(reference(b));
    }
    List<String> envelopes =
        List.of(
            "{\"event_type\":\"E\",\"payload\":{},\"seq\":0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}",
            "{\"event_type\":\"E\",\"payload\":{},\"seq\":0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5}",
            "{\"event_type\":\"E\",\"payload\":{},\"prev_hash\":null,\"seq\":1,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}",
            "{\"event_type\":\"E\",\"payload\":{},\"seq\":0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\",\"x\":1}",
            "{\"payload\":{},\"event_type\":\"E\",\"seq\":0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}",
            "{\"event_type\":\"E\",\"payload\":{},\"seq\":1.0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}",
            "{\"event_type\":\"E\",\"payload\":{},\"seq\":-1,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}",
            "{\"event_type\":\"E\",\"seq\":0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}",
            "{\"event_type\":\"E\",\"payload\":{},\"seq\":0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"} ",
            "{\"event_type\":\"E\",\"payload\":{},\"seq\":0,\"session_id\":\"s\",\"tenant_id\":\"t\",\"ts_unix_ms\":5,\"user_id\":\"\"}{}",
            "[]",
            "not json");
    for (String e : envelopes) {
      byte[] b = e.getBytes(StandardCharsets.UTF_8);
      assertThat(scanned(b)).as(e).isEqualTo(reference(b));
    }
  }

  @Test
  void randomRewritesOfSealedBytesGetTheReferenceVerdict() {
    Random r = new Random(11);
    for (int i = 0; i < 2000; i++) {
      Envelope e = new Envelope("t", "", "s", 1, 7, "E", randomObject(r), H);
      String text =
          Json.write(
              Json.parseTrusted(
                  new String(EnvelopeHasher.seal(e).canonical(), StandardCharsets.UTF_8)));
      // Jackson's own writing: same tree, often not canonical (escapes, numbers)
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      assertThat(scanned(b)).as(text).isEqualTo(reference(b));
    }
  }
}
