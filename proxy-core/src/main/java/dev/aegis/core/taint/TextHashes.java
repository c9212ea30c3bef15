package dev.aegis.core.taint;

import java.util.function.LongConsumer;

/**
 * The 64-bit hashes behind fingerprints: a polynomial rolling hash over code points (mod 2^64)
 * finished by the MurmurHash3 64-bit mixer, with separate finishing constants for k-grams and whole
 * strings so the two kinds never coincide by construction; and robust winnowing. Pure and
 * thread-safe.
 */
final class TextHashes {
  private static final long BASE = 0x9E3779B97F4A7C15L;
  private static final long KGRAM_DOMAIN = 0x6B2D4A1C3E5F7081L;
  private static final long ATOM_SEED = 0x2545F4914F6CDD1DL;
  private static final long ATOM_DOMAIN = 0x1D8E4E27C47D124FL;

  private TextHashes() {}

  /** The hash of every k-gram of {@code text}, in order; empty if the text is shorter than k. */
  static long[] kgrams(int[] text, int k) {
    int n = text.length - k + 1;
    if (n <= 0) {
      return new long[0];
    }
    long top = 1; // BASE^(k-1)
    for (int i = 1; i < k; i++) {
      top *= BASE;
    }
    long h = 0;
    for (int i = 0; i < k; i++) {
      h = h * BASE + text[i];
    }
    long[] out = new long[n];
    out[0] = mix(h ^ KGRAM_DOMAIN);
    for (int i = 1; i < n; i++) {
      h = (h - text[i - 1] * top) * BASE + text[i + k - 1];
      out[i] = mix(h ^ KGRAM_DOMAIN);
    }
    return out;
  }

  /** The hash of a whole string (or token): {@code text[from, to)}. */
  static long atom(int[] text, int from, int to) {
    long h = ATOM_SEED;
    for (int i = from; i < to; i++) {
      h = h * BASE + text[i];
    }
    return mix(h ^ ATOM_DOMAIN ^ (to - from));
  }

  /**
   * Robust winnowing: in every window of {@code w} consecutive hashes the minimum (the rightmost
   * one on ties) is selected, each selected position reported once, in order. Fewer hashes than a
   * window make one window. Any run of {@code w} consecutive hashes contains a selected one.
   */
  static void winnow(long[] hashes, int w, LongConsumer selected) {
    int n = hashes.length;
    if (n == 0) {
      return;
    }
    int span = Math.min(w, n);
    int[] mins = new int[n]; // positions in [head, tail): hashes increasing front to back
    int head = 0;
    int tail = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      while (tail > head && hashes[mins[tail - 1]] >= hashes[i]) {
        tail--;
      }
      mins[tail++] = i;
      if (mins[head] <= i - span) {
        head++;
      }
      if (i >= span - 1 && mins[head] != last) {
        last = mins[head];
        selected.accept(hashes[last]);
      }
    }
  }

  /** MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit. */
  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xFF51AFD7ED558CCDL;
    k ^= k >>> 33;
    k *= 0xC4CEB9FE1A85EC53L;
    k ^= k >>> 33;
    return k;
  }
}
