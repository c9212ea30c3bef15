package dev.aegis.core.event;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Lowercase hex and SHA-256 helpers. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** Lowercase hex of the bytes. */
  public static String of(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** Lowercase hex SHA-256 of a byte range. */
  public static String sha256(byte[] bytes, int offset, int length) {
    MessageDigest md = newSha256();
    md.update(bytes, offset, length);
    return of(md.digest());
  }

  /** Lowercase hex SHA-256 of the bytes. */
  public static String sha256(byte[] bytes) {
    return sha256(bytes, 0, bytes.length);
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** True if the text is 64 lowercase hex digits. */
  public static boolean isSha256(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
