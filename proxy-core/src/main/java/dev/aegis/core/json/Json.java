package dev.aegis.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one shared, strictly configured Jackson mapper; thread-safe. */
public final class Json {
  /**
   * Strict mapper: duplicate keys are an error (a parser differential between proxy and server
   * would let a frame mean two things), floats are kept exact as {@code BigDecimal}.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  /** The streaming factory behind {@link #MAPPER}. */
  public static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses UTF-8 JSON text into a tree; throws {@link IOException} on malformed input. */
  public static JsonNode parse(byte[] utf8) throws IOException {
    return MAPPER.readTree(utf8);
  }

  /** Parses JSON text that the caller knows to be valid (our own records). */
  public static JsonNode parseTrusted(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compact JSON text of a tree. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A streaming parser over UTF-8 bytes with the strict settings. */
  public static JsonParser parser(byte[] utf8, int offset, int length) throws IOException {
    return FACTORY.createParser(utf8, offset, length);
  }
}
