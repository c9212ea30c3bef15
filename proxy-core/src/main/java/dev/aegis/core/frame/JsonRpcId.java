package dev.aegis.core.frame;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * A JSON-RPC id with its type preserved: {@code 1} and {@code "1"} differ, and a number keeps its
 * literal text so ids beyond 2^53 stay exact.
 */
public record JsonRpcId(Type type, String text) {

  /** The JSON type of the id. */
  public enum Type {
    NUMBER,
    STRING,
    NULL
  }

  /** The null id (used in responses to messages whose id could not be read). */
  public static final JsonRpcId NULL = new JsonRpcId(Type.NULL, "null");

  /** Checks the parts. */
  public JsonRpcId {
    requireNonNull(type, "type");
    requireNonNull(text, "text");
  }

  /** A numeric id from its literal text. */
  public static JsonRpcId number(String literal) {
    return new JsonRpcId(Type.NUMBER, literal);
  }

  /** A string id from its decoded value. */
  public static JsonRpcId string(String value) {
    return new JsonRpcId(Type.STRING, value);
  }

  /** The id as JSON text: the number literal, the quoted string, or {@code null}. */
  public String toJson() {
    switch (type) {
      case NUMBER:
        return text;
      case STRING:
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
      default:
        return "null";
    }
  }

  @Override
  public String toString() {
    return toJson();
  }
}
