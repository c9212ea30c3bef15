package dev.aegis.core.frame;

/** What a JSON-RPC 2.0 message is, by its members. */
public enum FrameKind {
  /** Has {@code method} and {@code id}: expects a response. */
  REQUEST,
  /** Has {@code method} and no {@code id}. */
  NOTIFICATION,
  /** Has {@code id} and {@code result}. */
  RESULT,
  /** Has {@code id} (possibly null) and {@code error}. */
  ERROR,
  /** Not a valid JSON-RPC 2.0 message (bad JSON, batch, missing or conflicting members). */
  MALFORMED;

  /** Lowercase name used in sealed payloads. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** True for RESULT and ERROR. */
  public boolean isResponse() {
    return this == RESULT || this == ERROR;
  }
}
