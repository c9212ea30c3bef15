package dev.aegis.core.taint;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * The text fingerprints are taken of: NFKC, lowercase (root locale), format characters (zero-width
 * spaces, joiners, bidi marks) removed, every run of whitespace one space, no space at either end;
 * as code points. Pure and thread-safe.
 */
final class NormalizedText {
  private NormalizedText() {}

  static int[] of(String s) {
    String n = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    int[] out = new int[n.length()];
    int len = 0;
    boolean pendingSpace = false;
    for (int i = 0; i < n.length(); ) {
      int c = n.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        pendingSpace = len > 0;
      } else if (Character.getType(c) != Character.FORMAT) {
        if (pendingSpace) {
          out[len++] = ' ';
          pendingSpace = false;
        }
        out[len++] = c;
      }
    }
    return Arrays.copyOf(out, len);
  }
}
