package dev.aegis.bench;

import java.util.Locale;

/**
 * One measured configuration: a workload shape run either directly against the echo server or
 * through {@code aegis-proxy} with a durability setting.
 */
enum Mode {
  DIRECT("direct", Shape.SEQUENTIAL, null),
  NORMAL("normal", Shape.SEQUENTIAL, "normal"),
  FULL("full", Shape.SEQUENTIAL, "full"),
  SESSIONS_DIRECT("sessions-direct", Shape.SESSIONS, null),
  SESSIONS_NORMAL("sessions-normal", Shape.SESSIONS, "normal"),
  SESSIONS_FULL("sessions-full", Shape.SESSIONS, "full"),
  PIPELINED_DIRECT("pipelined-direct", Shape.PIPELINED, null),
  PIPELINED_NORMAL("pipelined-normal", Shape.PIPELINED, "normal"),
  PIPELINED_FULL("pipelined-full", Shape.PIPELINED, "full");

  /** How the calls are issued. */
  enum Shape {
    /** One session, one call in flight. */
    SEQUENTIAL,
    /** K sessions (K processes) at once, one call in flight each. */
    SESSIONS,
    /** One session, a window of calls in flight. */
    PIPELINED
  }

  private final String wire;
  private final Shape shape;
  private final String durability;

  Mode(String wire, Shape shape, String durability) {
    this.wire = wire;
    this.shape = shape;
    this.durability = durability;
  }

  /** The name used in flags, the table and the JSON. */
  String wireName() {
    return wire;
  }

  Shape shape() {
    return shape;
  }

  /** The proxy's {@code --durability}, or null for a direct run. */
  String durability() {
    return durability;
  }

  boolean proxied() {
    return durability != null;
  }

  /** The direct mode of the same shape: the baseline for added latency and ratios. */
  Mode baseline() {
    switch (shape) {
      case SESSIONS:
        return SESSIONS_DIRECT;
      case PIPELINED:
        return PIPELINED_DIRECT;
      default:
        return DIRECT;
    }
  }

  /** Parses a mode name; {@code sessions} and {@code pipelined} mean their normal variants. */
  static Mode parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("sessions") || n.equals("pipelined")) {
      n = n + "-normal";
    }
    for (Mode m : values()) {
      if (m.wire.equals(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "modes: unknown mode '" + name + "' (expected: " + names() + ")");
  }

  static String names() {
    StringBuilder b = new StringBuilder();
    for (Mode m : values()) {
      b.append(b.length() == 0 ? "" : ", ").append(m.wire);
    }
    return b.toString();
  }
}
