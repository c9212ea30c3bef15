package dev.aegis.core.chain;

import java.util.Locale;

/** How hard a commit waits for the disk. */
public enum Durability {
  /** Every group commit is synced to stable storage before it completes (survives power loss). */
  FULL,
  /** Commits survive a process crash but may be lost on power loss or OS crash. */
  NORMAL;

  /** Parses {@code full} or {@code normal}, case-insensitively. */
  public static Durability parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("durability: " + s + " (expected: full or normal)");
    }
  }
}
