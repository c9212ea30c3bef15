package dev.aegis.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct canonical writer agrees byte for byte with java-json-canonicalization's own
 * canonicaliser on generated values: nesting, key order across the BMP and astral planes, control
 * characters and every kind of number.
 */
class CanonicalFormTest {
  private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);
  private static final String[] ALPHABET = {
    "a", "b", "Z", "é", "ﬁ", "😀", "\u0000", "\u001f", "\"", "\\", "\n", "\t", "<", "&", "\u2028",
    "€", "中", "\u007f"
  };

  private final Random random = new Random(20261126L);

  @Test
  void agreesWithTheLibraryOnGeneratedValues() {
    for (int i = 0; i < 3000; i++) {
      // the library accepts only an object or array at the root; envelopes are objects
      JsonNode v = EnvelopeHasher.normalize(F.objectNode().set("v", value(0)));
      byte[] direct = EnvelopeHasher.canonicalize(v);
      byte[] library = EnvelopeHasher.canonicalizeWithLibrary(v);
      assertThat(new String(direct, StandardCharsets.UTF_8))
          .as("value %d", i)
          .isEqualTo(new String(library, StandardCharsets.UTF_8));
    }
  }

  private JsonNode value(int depth) {
    int kind = depth > 3 ? 2 + random.nextInt(4) : random.nextInt(6);
    switch (kind) {
      case 0:
        ObjectNode o = F.objectNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          o.set(text(), value(depth + 1));
        }
        return o;
      case 1:
        ArrayNode a = F.arrayNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          a.add(value(depth + 1));
        }
        return a;
      case 2:
        return F.textNode(text());
      case 3:
        return number();
      case 4:
        return F.booleanNode(random.nextBoolean());
      default:
        return F.nullNode();
    }
  }

  private String text() {
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return b.toString();
  }

  private JsonNode number() {
    switch (random.nextInt(7)) {
      case 0:
        return F.numberNode(random.nextInt());
      case 1:
        return F.numberNode(random.nextLong() >> random.nextInt(64));
      case 2:
        return F.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      case 3:
        return F.numberNode(
            new BigDecimal(random.nextInt(100000)).movePointLeft(random.nextInt(8)));
      case 4:
        return F.numberNode(-0.0);
      case 5:
        return F.numberNode(new BigDecimal("1E" + (random.nextInt(60) - 30)));
      default:
        return F.numberNode((double) random.nextInt(1000));
    }
  }
}
