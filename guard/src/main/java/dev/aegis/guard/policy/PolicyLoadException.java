package dev.aegis.guard.policy;

/**
 * A policy bundle that cannot be used: unreadable, not Wasm or an OPA bundle, without the decide
 * entrypoint, or needing built-in functions the engine lacks. The message is fit for stderr.
 */
public final class PolicyLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A load failure with a message naming the bundle and the problem. */
  public PolicyLoadException(String message) {
    super(message);
  }

  /** A load failure caused by another exception. */
  public PolicyLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
