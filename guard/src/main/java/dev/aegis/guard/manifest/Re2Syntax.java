package dev.aegis.guard.manifest;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks that a regular expression means the same to Java and to RE2, the engine behind OPA's
 * {@code regex.match}: it must compile in Java and use nothing RE2 lacks (lookaround,
 * backreferences, atomic groups, possessive quantifiers, class intersection, Java-only escapes and
 * flags). Conservative: a few exotic patterns RE2 would accept are rejected.
 */
final class Re2Syntax {
  private static final String RE2_FLAGS = "imsU-";
  private static final String UNSUPPORTED_ESCAPES = "ZGRXhHvVekcuN";

  private Re2Syntax() {}

  /** Why the pattern is not usable, or empty when it is. */
  static Optional<String> problem(String regex) {
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      return Optional.of("does not compile: " + e.getDescription() + " near index " + e.getIndex());
    }
    return unsupported(regex).map(what -> "uses " + what + ", which RE2 does not support");
  }

  private static Optional<String> unsupported(String re) {
    boolean inClass = false;
    boolean afterQuantifier = false;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\' && i + 1 < re.length()) {
        char n = re.charAt(++i);
        if (n == 'Q') {
          int end = re.indexOf("\\E", i);
          i = end < 0 ? re.length() : end + 1;
        } else if (!inClass && n >= '1' && n <= '9') {
          return Optional.of("a backreference (\\" + n + ")");
        } else if (UNSUPPORTED_ESCAPES.indexOf(n) >= 0) {
          return Optional.of("the escape \\" + n);
        }
        afterQuantifier = false;
        continue;
      }
      if (inClass) {
        if (c == ']') {
          inClass = false;
        } else if (c == '&' && i + 1 < re.length() && re.charAt(i + 1) == '&') {
          return Optional.of("class intersection (&&)");
        } else if (c == '[' && !(i + 1 < re.length() && re.charAt(i + 1) == ':')) {
          return Optional.of("a nested character class");
        } else if (c == '[') {
          int end = re.indexOf(":]", i + 2);
          i = end < 0 ? i : end + 1;
        }
        continue;
      }
      if (c == '[') {
        inClass = true;
        // A ']' (or '^]') right after '[' is a literal, in both engines.
        if (i + 1 < re.length() && re.charAt(i + 1) == '^') {
          i++;
        }
        if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
          i++;
        }
        afterQuantifier = false;
        continue;
      }
      if (c == '+' && afterQuantifier) {
        return Optional.of("a possessive quantifier");
      }
      if (c == '(' && re.startsWith("(?", i)) {
        Optional<String> group = group(re, i + 2);
        if (group.isPresent()) {
          return group;
        }
      }
      afterQuantifier = c == '*' || c == '+' || c == '?' || c == '}';
      if (c == '?' && i > 0 && isQuantifier(re.charAt(i - 1))) {
        afterQuantifier = false; // lazy quantifier: "a+?" is fine, "a+?+" is not Java either
      }
    }
    return Optional.empty();
  }

  private static boolean isQuantifier(char c) {
    return c == '*' || c == '+' || c == '?' || c == '}';
  }

  /** Checks the construct after "(?". */
  private static Optional<String> group(String re, int i) {
    if (re.startsWith("=", i) || re.startsWith("!", i)) {
      return Optional.of("lookahead");
    }
    if (re.startsWith("<=", i) || re.startsWith("<!", i)) {
      return Optional.of("lookbehind");
    }
    if (re.startsWith(">", i)) {
      return Optional.of("an atomic group");
    }
    if (re.startsWith("<", i) || re.startsWith("P<", i) || re.startsWith(":", i)) {
      return Optional.empty();
    }
    for (int j = i; j < re.length(); j++) {
      char f = re.charAt(j);
      if (f == ')' || f == ':') {
        return Optional.empty();
      }
      if (RE2_FLAGS.indexOf(f) < 0) {
        return Optional.of("the flag (?" + f + ")");
      }
    }
    return Optional.empty();
  }
}
