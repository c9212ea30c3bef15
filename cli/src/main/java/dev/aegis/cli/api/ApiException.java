package dev.aegis.cli.api;

/**
 * A request the control API refuses: the HTTP status and a stable error code, answered as {@code
 * {"error": {"code", "message"}}}. The message must not contain secrets.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "BAD_REQUEST", message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, "NOT_FOUND", message);
  }

  static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
