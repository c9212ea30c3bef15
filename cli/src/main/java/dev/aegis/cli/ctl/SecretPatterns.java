package dev.aegis.cli.ctl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What {@code aegisctl redact --secrets} looks for in stored frame bodies: credentials with a
 * recognisable shape (few false positives), plus patterns the operator adds. Immutable and
 * thread-safe.
 */
final class SecretPatterns {
  private static final Map<String, Pattern> BUILT_IN = new LinkedHashMap<>();

  static {
    BUILT_IN.put("private-key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"));
    BUILT_IN.put("aws-access-key-id", Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"));
    BUILT_IN.put(
        "github-token", Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\\w{60,})"));
    BUILT_IN.put("gitlab-token", Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}"));
    BUILT_IN.put("slack-token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}"));
    BUILT_IN.put("stripe-key", Pattern.compile("\\b[rs]k_live_[A-Za-z0-9]{20,}"));
    BUILT_IN.put("google-api-key", Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}"));
    BUILT_IN.put(
        "openai-or-anthropic-key", Pattern.compile("\\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}"));
    BUILT_IN.put(
        "jwt",
        Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"));
    BUILT_IN.put(
        "bearer-credential",
        Pattern.compile("(?i)\\b(?:authorization|bearer)\\b[\"':= ]+[A-Za-z0-9._~+/-]{20,}"));
  }

  private final Map<String, Pattern> patterns;

  private SecretPatterns(Map<String, Pattern> patterns) {
    this.patterns = patterns;
  }

  /**
   * The built-in patterns (when {@code builtIn}) and the operator's regular expressions, named
   * {@code pattern-1}, {@code pattern-2}…; a bad expression throws {@link CtlException}.
   */
  static SecretPatterns of(boolean builtIn, List<String> extra) {
    Map<String, Pattern> all = new LinkedHashMap<>();
    if (builtIn) {
      all.putAll(BUILT_IN);
    }
    for (int i = 0; i < extra.size(); i++) {
      try {
        all.put("pattern-" + (i + 1), Pattern.compile(extra.get(i)));
      } catch (PatternSyntaxException e) {
        throw new CtlException("--pattern " + extra.get(i) + ": " + e.getDescription());
      }
    }
    return new SecretPatterns(all);
  }

  /** The names of the built-in patterns, in order. */
  static List<String> builtInNames() {
    return new ArrayList<>(BUILT_IN.keySet());
  }

  /**
   * The name of the first pattern a body matches, if any. The body is read as UTF-8 and JSON string
   * escapes of {@code /} are undone, so a secret written {@code \/} still matches.
   */
  Optional<String> firstMatch(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).replace("\\/", "/");
    for (Map.Entry<String, Pattern> p : patterns.entrySet()) {
      if (p.getValue().matcher(text).find()) {
        return Optional.of(p.getKey());
      }
    }
    return Optional.empty();
  }
}
