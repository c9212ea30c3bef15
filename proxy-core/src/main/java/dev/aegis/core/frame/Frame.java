package dev.aegis.core.frame;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.IOException;

/**
 * One JSON-RPC message as received: the exact bytes (without the stdio newline) and a read-only
 * classification. The bytes are what gets forwarded; nothing is ever re-serialised. Immutable; the
 * byte array must not be modified after construction.
 */
public final class Frame {
  private final byte[] bytes;
  private final FrameKind kind;
  private final JsonRpcId id;
  private final String method;
  private final String problem;

  Frame(byte[] bytes, FrameKind kind, JsonRpcId id, String method, String problem) {
    this.bytes = requireNonNull(bytes, "bytes");
    this.kind = requireNonNull(kind, "kind");
    this.id = id;
    this.method = method;
    this.problem = problem;
  }

  /** Classifies exact bytes; never throws (invalid input yields a MALFORMED frame). */
  public static Frame of(byte[] bytes) {
    return FrameParser.parse(bytes);
  }

  /**
   * Classifies the first {@code length} bytes of a frame too large to keep: the result is MALFORMED
   * unless the prefix is complete, but carries the id and method if they appear before the cut
   * (typical JSON-RPC writers put them first), so a refusal can be addressed.
   */
  public static Frame ofPrefix(byte[] prefix, int length) {
    return FrameParser.parse(prefix, length);
  }

  /** The exact received bytes; callers must not modify the array. */
  public byte[] bytes() {
    return bytes;
  }

  /** Length in bytes. */
  public int length() {
    return bytes.length;
  }

  /** The kind of message. */
  public FrameKind kind() {
    return kind;
  }

  /** The id, or null for notifications and malformed frames without a readable id. */
  public JsonRpcId id() {
    return id;
  }

  /** The method of a request or notification, else null. */
  public String method() {
    return method;
  }

  /** Why a MALFORMED frame is malformed, else null. */
  public String problem() {
    return problem;
  }

  /** Parses a fresh tree from the bytes (for policy and audit); never affects what is forwarded. */
  public JsonNode tree() throws IOException {
    return Json.parse(bytes);
  }

  /** Frames carry user data: print only the shape. */
  @Override
  public String toString() {
    return "Frame["
        + kind.wireName()
        + (method == null ? "" : " " + method)
        + (id == null ? "" : " id=" + id)
        + " "
        + bytes.length
        + "B]";
  }
}
