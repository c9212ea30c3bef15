package dev.aegis.core.frame;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.core.json.Json;
import java.io.IOException;

/**
 * Classifies a JSON-RPC 2.0 message with one streaming pass over its bytes: validates the JSON,
 * reads {@code jsonrpc}, {@code id}, {@code method} and which of {@code result}/{@code error} are
 * present, and skips everything else without building a tree. Stateless and thread-safe.
 */
final class FrameParser {
  private FrameParser() {}

  static Frame parse(byte[] bytes) {
    return parse(bytes, bytes.length);
  }

  /** Classifies the first {@code length} bytes; used on prefixes of oversized frames too. */
  static Frame parse(byte[] bytes, int length) {
    Members m = new Members();
    try (JsonParser p = Json.parser(bytes, 0, length)) {
      JsonToken root = p.nextToken();
      if (root == null) {
        return malformed(bytes, m, "empty frame");
      }
      if (root == JsonToken.START_ARRAY) {
        return malformed(bytes, m, "batch messages are not supported (removed in MCP 2025-06-18)");
      }
      if (root != JsonToken.START_OBJECT) {
        return malformed(bytes, m, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        m.read(name, value, p);
      }
      if (p.nextToken() != null) {
        return malformed(bytes, m, "trailing data after the JSON value");
      }
    } catch (JsonProcessingException e) {
      return malformed(bytes, m, "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return malformed(bytes, m, "unreadable frame: " + e.getMessage());
    }
    return m.classify(bytes);
  }

  private static Frame malformed(byte[] bytes, Members m, String problem) {
    return new Frame(bytes, FrameKind.MALFORMED, m.id, m.method, problem);
  }

  /** The top-level members seen so far. */
  private static final class Members {
    String jsonrpc;
    boolean jsonrpcPresent;
    boolean idPresent;
    JsonRpcId id;
    String badId;
    String method;
    boolean methodPresent;
    boolean hasResult;
    boolean hasError;
    boolean errorIsObject;

    void read(String name, JsonToken value, JsonParser p) throws IOException {
      switch (name) {
        case "jsonrpc":
          jsonrpcPresent = true;
          jsonrpc = value == JsonToken.VALUE_STRING ? p.getText() : null;
          break;
        case "id":
          idPresent = true;
          readId(value, p);
          break;
        case "method":
          methodPresent = true;
          method = value == JsonToken.VALUE_STRING ? p.getText() : null;
          break;
        case "result":
          hasResult = true;
          break;
        case "error":
          hasError = true;
          errorIsObject = value == JsonToken.START_OBJECT;
          break;
        default:
          break;
      }
      p.skipChildren();
    }

    private void readId(JsonToken value, JsonParser p) throws IOException {
      if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
        id = JsonRpcId.number(p.getText());
      } else if (value == JsonToken.VALUE_STRING) {
        id = JsonRpcId.string(p.getText());
      } else if (value == JsonToken.VALUE_NULL) {
        id = JsonRpcId.NULL;
      } else {
        id = null;
        badId = "id must be a string, a number or null";
      }
    }

    Frame classify(byte[] bytes) {
      String problem = problem();
      if (problem != null) {
        return new Frame(bytes, FrameKind.MALFORMED, id, method, problem);
      }
      FrameKind kind;
      if (methodPresent) {
        kind = idPresent ? FrameKind.REQUEST : FrameKind.NOTIFICATION;
      } else {
        kind = hasResult ? FrameKind.RESULT : FrameKind.ERROR;
      }
      return new Frame(bytes, kind, idPresent ? id : null, method, null);
    }

    private String problem() {
      if (badId != null) {
        return badId;
      }
      if (!jsonrpcPresent || !"2.0".equals(jsonrpc)) {
        return "jsonrpc must be \"2.0\"";
      }
      if (methodPresent) {
        if (method == null) {
          return "method must be a string";
        }
        if (hasResult || hasError) {
          return "a message cannot have both method and result/error";
        }
        if (idPresent && id.type() == JsonRpcId.Type.NULL) {
          return "request id must not be null";
        }
        return null;
      }
      if (hasResult && hasError) {
        return "a response cannot have both result and error";
      }
      if (!hasResult && !hasError) {
        return "no method, result or error";
      }
      if (!idPresent) {
        return "a response must have an id";
      }
      if (hasResult && id.type() == JsonRpcId.Type.NULL) {
        return "a result must not have a null id";
      }
      if (hasError && !errorIsObject) {
        return "error must be an object";
      }
      return null;
    }
  }
}
