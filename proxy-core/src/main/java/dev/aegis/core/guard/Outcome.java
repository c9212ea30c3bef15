package dev.aegis.core.guard;

import java.util.Locale;

/** What the policy says about one tool call. */
public enum Outcome {
  ALLOW,
  DENY,
  REQUIRE_APPROVAL;

  /** The policy's spelling: {@code allow}, {@code deny}, {@code require_approval}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the policy's spelling; null when it is not one of the three. */
  public static Outcome fromWire(String s) {
    if (s == null) {
      return null;
    }
    switch (s) {
      case "allow":
        return ALLOW;
      case "deny":
        return DENY;
      case "require_approval":
        return REQUIRE_APPROVAL;
      default:
        return null;
    }
  }
}
