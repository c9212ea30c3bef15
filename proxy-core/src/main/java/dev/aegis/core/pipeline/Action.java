package dev.aegis.core.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * What a transport does with a frame after the core has handled it: forward its exact bytes, send
 * the proxy's own reply frame in a given direction instead, or drop it.
 */
public record Action(Type type, Direction replyDirection, byte[] reply, String note) {

  /** The kind of action. */
  public enum Type {
    /** Relay the frame's exact bytes onward. */
    FORWARD,
    /** Do not relay; write {@code reply} travelling in {@code replyDirection}. */
    REPLY,
    /** Do not relay and do not answer; {@code note} says why (for stderr). */
    DROP,
    /**
     * The core took the frame over: nothing to do now, and nothing to log. Used for a call held for
     * an approval (the session acts on it later through its output) and for the answers to the
     * proxy's own requests.
     */
    CONSUMED
  }

  private static final Action FORWARD = new Action(Type.FORWARD, null, null, null);
  private static final Action CONSUMED = new Action(Type.CONSUMED, null, null, null);

  /** Checks that a reply has bytes and a direction. */
  public Action {
    requireNonNull(type, "type");
    if (type == Type.REPLY) {
      requireNonNull(replyDirection, "replyDirection");
      requireNonNull(reply, "reply");
    }
  }

  /** Relay the frame. */
  public static Action forward() {
    return FORWARD;
  }

  /** Answer with the proxy's own frame, travelling in {@code direction}. */
  public static Action reply(Direction direction, byte[] frame) {
    return new Action(Type.REPLY, direction, frame, null);
  }

  /** The core took the frame over; the transport does nothing with it. */
  public static Action consumed() {
    return CONSUMED;
  }

  /** Drop the frame, with a note for the log. */
  public static Action drop(String note) {
    return new Action(Type.DROP, null, null, note);
  }

  @Override
  public String toString() {
    return "Action[" + type + (replyDirection == null ? "" : " " + replyDirection) + "]";
  }
}
