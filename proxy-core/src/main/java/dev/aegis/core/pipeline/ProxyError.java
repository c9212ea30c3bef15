package dev.aegis.core.pipeline;

/**
 * Errors the proxy itself answers with: a stable reason code, the side at fault and the JSON-RPC
 * error code. The reason goes in {@code error.data.reason} next to {@code "source": "aegis"}.
 */
public enum ProxyError {
  /** The line was not valid JSON. */
  PARSE_ERROR(Side.CLIENT, -32700),
  /** Valid JSON but not a valid JSON-RPC 2.0 message (including batches). */
  INVALID_REQUEST(Side.CLIENT, -32600),
  /** A tools/call without a string params.name or with non-object arguments. */
  INVALID_PARAMS(Side.CLIENT, -32602),
  /** A frame from the client exceeded the frame size limit. */
  FRAME_TOO_LARGE(Side.CLIENT, -32600),
  /** The server's answer exceeded the frame size limit and was not relayed. */
  UPSTREAM_FRAME_TOO_LARGE(Side.UPSTREAM, -32603),
  /** The server exited or closed its output before answering. */
  UPSTREAM_CLOSED(Side.UPSTREAM, -32603),
  /** The chain store could not make the request durable; it was not forwarded (fail closed). */
  STORE_UNAVAILABLE(Side.PROXY, -32603),
  /** The proxy failed while handling a request (a bug): refused rather than forwarded unchecked. */
  INTERNAL_ERROR(Side.PROXY, -32603),
  /** Another writer appended to this session's chain; sealing stopped to avoid a fork. */
  CHAIN_CONFLICT(Side.PROXY, -32603);

  /** Who is at fault. */
  public enum Side {
    CLIENT,
    PROXY,
    UPSTREAM;

    /** Lowercase name used on the wire. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Side side;
  private final int code;

  ProxyError(Side side, int code) {
    this.side = side;
    this.code = code;
  }

  /** The side at fault. */
  public Side side() {
    return side;
  }

  /** The JSON-RPC error code. */
  public int code() {
    return code;
  }
}
