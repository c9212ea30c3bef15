package dev.aegis.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human sizes ({@code 16MiB}) and durations ({@code 5s}) from flags and config. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|mib|mb|gib|gb)?");
  private static final Pattern TIME = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

  private Sizes() {}

  /** Bytes from {@code 1048576}, {@code 512KiB}, {@code 16MiB} or {@code 1GiB} (KB/MB are 1024). */
  public static long bytes(String name, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(name + ": " + text + " (expected: bytes, e.g. 16MiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    switch (unit) {
      case "kib":
      case "kb":
        return n << 10;
      case "mib":
      case "mb":
        return n << 20;
      case "gib":
      case "gb":
        return n << 30;
      default:
        return n;
    }
  }

  /** A duration from {@code 500ms}, {@code 5s}, {@code 2m}, or plain milliseconds. */
  public static Duration duration(String name, String text) {
    Matcher m = TIME.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(name + ": " + text + " (expected: e.g. 500ms, 5s, 2m)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return unit.equals("s")
        ? Duration.ofSeconds(n)
        : unit.equals("m") ? Duration.ofMinutes(n) : Duration.ofMillis(n);
  }
}
