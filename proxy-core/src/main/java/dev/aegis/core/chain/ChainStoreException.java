package dev.aegis.core.chain;

/** A chain store failure, with a stable reason code. */
public class ChainStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the store failed. */
  public enum Reason {
    /** Another writer appended to the same chain: continuing would fork it. */
    CHAIN_CONFLICT,
    /** The store cannot be reached or written. */
    STORE_UNAVAILABLE,
    /** The store URL or its options are invalid. */
    STORE_CONFIG,
    /** The store was closed. */
    STORE_CLOSED
  }

  private final Reason reason;

  /** A failure with a reason and message. */
  public ChainStoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** A failure with a reason and message. */
  public ChainStoreException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** The stable reason code. */
  public Reason reason() {
    return reason;
  }
}
