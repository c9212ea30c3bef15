package dev.aegis.cli.api;

import java.net.InetSocketAddress;

/** Parses {@code HOST:PORT} (IPv6 as {@code [::1]:PORT}) for the listen flags. */
public final class ListenAddress {
  private ListenAddress() {}

  /** The socket address; {@link IllegalArgumentException} naming {@code flag} when malformed. */
  public static InetSocketAddress parse(String flag, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(flag + ": " + value + " (expected: HOST:PORT)");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          flag + ": " + value + " (expected: a port from 0 to 65535)");
    }
    return new InetSocketAddress(host, port);
  }
}
