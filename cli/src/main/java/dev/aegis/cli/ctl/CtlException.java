package dev.aegis.cli.ctl;

/**
 * A failure the user can fix (no such session, unreadable file): printed as one line on stderr,
 * exit code {@link AegisCtl#EXIT_USAGE}.
 */
final class CtlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message fit for stderr. */
  CtlException(String message) {
    super(message, null, false, false);
  }
}
