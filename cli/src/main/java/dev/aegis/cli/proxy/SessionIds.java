package dev.aegis.cli.proxy;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** New session ids: UTC start time plus 48 random bits, so they sort by start and never clash. */
final class SessionIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private SessionIds() {}

  static String next() {
    long r = RANDOM.nextLong() & 0xffff_ffff_ffffL;
    return "s-"
        + ZonedDateTime.now(ZoneOffset.UTC).format(FORMAT)
        + "-"
        + String.format("%012x", r);
  }
}
