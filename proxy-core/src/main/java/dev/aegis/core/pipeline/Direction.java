package dev.aegis.core.pipeline;

/** Which way a frame travels through the proxy. */
public enum Direction {
  /** From the agent (MCP client) towards the MCP server. */
  CLIENT_TO_SERVER("client_to_server"),
  /** From the MCP server towards the agent. */
  SERVER_TO_CLIENT("server_to_client");

  private final String wire;

  Direction(String wire) {
    this.wire = wire;
  }

  /** The name used in sealed payloads. */
  public String wireName() {
    return wire;
  }

  /** The opposite direction. */
  public Direction reverse() {
    return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
  }
}
