package dev.aegis.cli.ctl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The export line format, both ways: {@code {"record":SEALED,"hash":"HEX","body":"BASE64"}} and a
 * newline, where SEALED is the stored canonical bytes written verbatim and {@code body} (standard
 * base64 with padding) is omitted when the record has none. Because SEALED is RFC 8785 JSON, anyone
 * can check a line without Aegis: SHA-256 of the bytes of {@code record} is {@code hash}.
 */
final class ExportLine {
  private static final byte[] RECORD = "{\"record\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HASH = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY = "\",\"body\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\"}\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REDACTED_END =
      "\",\"redacted\":true}\n".getBytes(StandardCharsets.US_ASCII);

  private ExportLine() {}

  /**
   * Writes one record as a line; {@code redacted} marks a record whose body was erased by a
   * recorded redaction ({@code "redacted":true}, only when the body is absent).
   */
  static void write(ChainRecord r, boolean redacted, OutputStream out) throws IOException {
    out.write(RECORD);
    out.write(r.sealed());
    out.write(HASH);
    out.write(JsonStringEncoder.getInstance().quoteAsUTF8(r.hash()));
    if (r.body() != null) {
      out.write(BODY);
      out.write(Base64.getEncoder().encode(r.body()));
    }
    out.write(redacted && r.body() == null ? REDACTED_END : END);
  }

  /**
   * The fields of a line: the exact bytes of {@code record}, {@code hash}, {@code body}, and
   * whether the line is marked redacted.
   */
  record Entry(byte[] sealed, String hash, byte[] body, boolean redacted) {}

  /**
   * Parses one line (without its newline) into its fields; {@code sealed} is the exact bytes of the
   * {@code record} value. Whether those bytes are an envelope is for the verifier to judge.
   */
  static Entry parse(byte[] line) throws MalformedLineException {
    byte[] sealed = null;
    String hash = null;
    byte[] body = null;
    boolean redacted = false;
    try (JsonParser p = Json.FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedLineException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "record":
            sealed = span(p, line, value);
            break;
          case "hash":
            hash = text(p, value, name);
            break;
          case "body":
            body = base64(text(p, value, name));
            break;
          case "redacted":
            if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
              throw new MalformedLineException("\"redacted\" is not a boolean");
            }
            redacted = value == JsonToken.VALUE_TRUE;
            break;
          default:
            throw new MalformedLineException("unexpected field \"" + name + "\"");
        }
      }
      if (p.nextToken() != null) {
        throw new MalformedLineException("data after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw new MalformedLineException("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedLineException("unreadable: " + e.getMessage());
    }
    if (sealed == null) {
      throw new MalformedLineException("missing \"record\"");
    }
    if (hash == null) {
      throw new MalformedLineException("missing \"hash\"");
    }
    return new Entry(sealed, hash, body, redacted);
  }

  /**
   * The stored row a line stands for: columns read from the sealed bytes, as the store's columns
   * were written from them. When the bytes are not an envelope, the columns are those expected at
   * this position, so that the verifier reports the same reason it would for the same bytes in a
   * store (a hash mismatch, else unreadable sealed bytes).
   */
  static ChainRecord record(
      Entry entry, String tenantId, String sessionId, long seq, String prevHash) {
    try {
      Envelope e = EnvelopeHasher.parse(entry.sealed());
      return ChainRecord.of(
          new EnvelopeHasher.Sealed(e, entry.sealed(), entry.hash()), entry.body());
    } catch (IllegalArgumentException notAnEnvelope) {
      return new ChainRecord(
          tenantId,
          sessionId,
          seq,
          0,
          "",
          "",
          prevHash,
          entry.hash(),
          entry.sealed(),
          entry.body());
    }
  }

  private static byte[] span(JsonParser p, byte[] line, JsonToken value)
      throws IOException, MalformedLineException {
    if (value != JsonToken.START_OBJECT) {
      throw new MalformedLineException("\"record\" is not a JSON object");
    }
    long start = p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    long end = p.currentTokenLocation().getByteOffset() + 1;
    if (start < 0 || end > line.length || line[(int) start] != '{' || line[(int) end - 1] != '}') {
      throw new IllegalStateException("parser reported no usable byte offsets");
    }
    return Arrays.copyOfRange(line, (int) start, (int) end);
  }

  private static String text(JsonParser p, JsonToken value, String name)
      throws IOException, MalformedLineException {
    if (value != JsonToken.VALUE_STRING) {
      throw new MalformedLineException("\"" + name + "\" is not a string");
    }
    return p.getText();
  }

  private static byte[] base64(String text) throws MalformedLineException {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedLineException("\"body\" is not base64: " + e.getMessage());
    }
  }

  /** A line that is not a well-formed export record; the message says why. */
  static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLineException(String reason) {
      super(reason, null, false, false);
    }
  }
}
