package dev.aegis.cli.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bearer tokens the control API accepts, from a file (one per line, {@code #} comments) and the
 * environment variable {@value #ENV} (comma-separated). Only SHA-256 digests are kept and compared
 * in constant time; tokens are never logged. Immutable and thread-safe.
 */
public final class BearerTokens {
  /** The environment variable holding tokens. */
  public static final String ENV = "AEGIS_API_TOKENS";

  private final List<byte[]> digests;

  private BearerTokens(List<byte[]> digests) {
    this.digests = List.copyOf(digests);
  }

  /** No tokens: every request is let in (loopback use). */
  public static BearerTokens none() {
    return new BearerTokens(List.of());
  }

  /**
   * Tokens from {@code file} (may be null) and {@code envValue} (may be null). Throws {@link
   * IllegalArgumentException} when the file cannot be read or holds no token.
   */
  public static BearerTokens load(Path file, String envValue) {
    List<byte[]> d = new ArrayList<>();
    if (file != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("token-file: cannot read " + file + ": " + e);
      }
      int before = d.size();
      for (String line : lines) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          d.add(sha256(t));
        }
      }
      if (d.size() == before) {
        throw new IllegalArgumentException("token-file: " + file + " holds no token");
      }
    }
    if (envValue != null) {
      for (String t : envValue.split(",")) {
        if (!t.isBlank()) {
          d.add(sha256(t.strip()));
        }
      }
    }
    return new BearerTokens(d);
  }

  /** True when tokens are configured, so requests need one. */
  public boolean required() {
    return !digests.isEmpty();
  }

  /** Whether an {@code Authorization} header value carries an accepted bearer token. */
  boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = sha256(authorization.substring(7).strip());
    boolean ok = false;
    for (byte[] d : digests) {
      ok |= MessageDigest.isEqual(d, given);
    }
    return ok;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Never prints tokens. */
  @Override
  public String toString() {
    return "BearerTokens[" + digests.size() + "]";
  }
}
