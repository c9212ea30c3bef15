package dev.aegis.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeHasherTest {

  @Test
  void loneSurrogateInKeyIsReplacedBeforeHashing() {
    ObjectNode p = Json.object();
    p.put("\ud800", "v");
    String canonical =
        new String(
            EnvelopeHasher.canonicalize(EnvelopeHasher.normalize(p)), StandardCharsets.UTF_8);
    assertThat(canonical).isEqualTo("{\"\ufffd\":\"v\"}");
  }

  @Test
  void bigIntegersAreKeptExactAsText() {
    ObjectNode p = Json.object();
    p.put("n", new BigInteger("18446744073709551616"));
    p.put("small", 5L);
    assertThat(Json.write(EnvelopeHasher.normalize(p)))
        .isEqualTo("{\"n\":\"18446744073709551616\",\"small\":5}");
  }

  @Test
  void normalPayloadIsNotCopied() {
    ObjectNode p = Json.object().put("a", 1);
    assertThat(EnvelopeHasher.normalize(p)).isSameAs(p);
  }

  @Test
  void sealedBytesParseBackToTheSameEnvelope() {
    Envelope e = new Envelope("t", "u", "s", 0, 5, "MCP_FRAME", Json.object().put("k", "v"), null);
    EnvelopeHasher.Sealed s = EnvelopeHasher.seal(e);
    assertThat(EnvelopeHasher.parse(s.canonical())).isEqualTo(s.envelope());
    assertThat(s.hash()).isEqualTo(Hex.sha256(s.canonical()));
  }

  @Test
  void envelopeRejectsBadLinks() {
    assertThatThrownBy(() -> new Envelope("t", "", "s", 0, 0, "X", Json.object(), "ab"))
        .hasMessageContaining("prevHash");
    assertThatThrownBy(() -> new Envelope("t", "", "s", 1, 0, "X", Json.object(), null))
        .hasMessageContaining("prevHash");
    assertThatThrownBy(() -> new Envelope("t", "", "s", -1, 0, "X", Json.object(), null))
        .hasMessageContaining("seq");
  }

  @Test
  void unparseableSealedBytesAreReported() {
    assertThatThrownBy(() -> EnvelopeHasher.parse("[1]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(
            () -> EnvelopeHasher.parse("{\"tenant_id\":1}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("tenant_id");
  }

  @Test
  void scalarsAndArraysHashToo() {
    assertThat(EnvelopeHasher.hashOf(Json.MAPPER.getNodeFactory().textNode("x")))
        .isEqualTo(Hex.sha256("\"x\"".getBytes(StandardCharsets.UTF_8)));
    assertThat(EnvelopeHasher.hashOf(Json.parseTrusted("[1.0,\"a\",null]")))
        .isEqualTo(Hex.sha256("[1,\"a\",null]".getBytes(StandardCharsets.UTF_8)));
  }
}
