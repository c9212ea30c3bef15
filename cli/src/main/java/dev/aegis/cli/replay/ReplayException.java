package dev.aegis.cli.replay;

/**
 * A recording that cannot be replayed (no such session, a redacted body, a session that stops
 * answering, a guard that differs from the recorded one).
 */
public final class ReplayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReplayException(String message) {
    super(message);
  }
}
