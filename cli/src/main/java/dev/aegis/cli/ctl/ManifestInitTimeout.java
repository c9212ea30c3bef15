package dev.aegis.cli.ctl;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads {@code --timeout} values such as {@code 30s}, {@code 500ms} or {@code 2m}. Stateless. */
final class ManifestInitTimeout implements CommandLine.ITypeConverter<Duration> {
  /** The longest wait accepted: an hour. */
  static final Duration MAX = Duration.ofHours(1);

  private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(ms|s|m)");

  @Override
  public Duration convert(String value) {
    Matcher m = FORM.matcher(value);
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "\"" + value + "\" is not a duration (expected: a number and ms, s or m, e.g. 30s)");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          default -> Duration.ofMinutes(n);
        };
    if (d.isZero() || d.compareTo(MAX) > 0) {
      throw new CommandLine.TypeConversionException(
          "\"" + value + "\" is out of range (expected: more than 0, at most 60m)");
    }
    return d;
  }

  /** A duration as the user would write it: 30s, 1500ms, 2m. */
  static String describe(Duration d) {
    if (d.toMillis() % 60_000 == 0) {
      return d.toMinutes() + "m";
    }
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
