package dev.aegis.core.taint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Content fingerprints for per-value taint (the manifest's {@code taint.mode: flow}): a tool
 * result's text becomes a bounded set of 64-bit fingerprints, sealed with its TOOL_RESULT; a later
 * call's arguments are tested against them. Pure, deterministic and thread-safe: the reducer
 * re-tests arguments on replay and must get the same answer.
 *
 * <p>Text is normalised first ({@link NormalizedText}: NFKC, lowercase, format characters dropped,
 * whitespace runs collapsed). A result yields two kinds of fingerprint:
 *
 * <ul>
 *   <li><b>k-grams</b>: every {@value #K}-code-point substring of each string is hashed (rolling,
 *       64-bit) and winnowed with a window of {@code w} k-grams, so that every run of {@code w}
 *       consecutive k-grams has a fingerprint. An argument string is tested with <em>all</em> its
 *       k-grams. Hence <b>any substring of at least {@code K + w - 1} code points copied from a
 *       result string into an argument string is detected</b>, whatever surrounds it: {@value
 *       #MIN_COPY} at the base window {@value #WINDOW}. A result with more fingerprints than
 *       {@value #MAX_PER_RESULT} is winnowed with a wider window (27, 55, 111, 223: guaranteed
 *       copies of 46, 74, 130, 242 code points) and, past the widest, cut to the first {@value
 *       #MAX_PER_RESULT} (marked truncated).
 *   <li><b>atoms</b>, for copies too short for k-grams: a whole string of at least {@value
 *       #MIN_ATOM} code points that is not a single word of letters, and every space-separated
 *       token (surrounding quotes, brackets and trailing punctuation stripped) of at least {@value
 *       #MIN_ATOM} code points containing one of {@code / . @ : \} (URLs, hosts, paths, addresses).
 *       An argument whose whole string or such a token equals a result's atom is detected.
 * </ul>
 *
 * <p>Limits: a copy shorter than the guaranteed length that is not an atom may be missed; so is a
 * copy rewritten on the way (paraphrased, encoded, translated, characters inserted more often than
 * every guaranteed length). Numbers count as their JSON text; booleans and binary content (images,
 * audio, blobs) are not fingerprinted. False matches between unrelated texts need a shared
 * normalised {@value #K}-code-point substring or atom (or a 64-bit collision).
 */
public final class Fingerprints {
  /** Length of a k-gram, in code points of normalised text. */
  public static final int K = 20;

  /** The base winnowing window, in k-grams. */
  public static final int WINDOW = 13;

  /** Shortest copy always detected at the base window: {@code K + WINDOW - 1} code points. */
  public static final int MIN_COPY = K + WINDOW - 1;

  /** Shortest whole string or token fingerprinted as an atom, in code points. */
  public static final int MIN_ATOM = 8;

  /** Most fingerprints sealed for one result. */
  public static final int MAX_PER_RESULT = 4096;

  private static final int[] WINDOWS = {WINDOW, 27, 55, 111, 223};
  private static final String OPENERS = "\"'([{<";
  private static final String CLOSERS = "\"')]}>,;.:!?";
  private static final String MARKS = "/.@:\\";
  private static final HexFormat HEX = HexFormat.of();

  private Fingerprints() {}

  /**
   * The fingerprints of the text a client receives in one tools/call answer (the whole JSON-RPC
   * response): for a result, its {@code content} text items, embedded text resources and resource
   * links, and every string and number in {@code structuredContent}; for an error, its message and
   * data. Never throws on odd shapes: what is not there is not fingerprinted.
   */
  public static ResultPrints ofAnswer(JsonNode response) {
    return ofTexts(AnswerTexts.of(response));
  }

  /** The fingerprints of some strings, as sealed for a result. */
  public static ResultPrints ofTexts(List<String> texts) {
    List<int[]> normalized = new ArrayList<>(texts.size());
    List<long[]> grams = new ArrayList<>(texts.size());
    for (String s : texts) {
      int[] t = NormalizedText.of(s);
      normalized.add(t);
      grams.add(TextHashes.kgrams(t, K));
    }
    for (int i = 0; ; i++) {
      int w = WINDOWS[i];
      PrintSet prints = new PrintSet(MAX_PER_RESULT);
      normalized.forEach(t -> atoms(t, prints::add));
      for (long[] g : grams) {
        TextHashes.winnow(g, w, prints::add);
      }
      if (!prints.overflowed() || i == WINDOWS.length - 1) {
        List<Long> kept = Arrays.stream(prints.values()).boxed().toList();
        return new ResultPrints(kept, w, prints.overflowed());
      }
    }
  }

  /**
   * Feeds {@code sink} every fingerprint an argument value can match: all k-grams and atoms of
   * every string and number in it, object keys included. Values repeat when the text does.
   */
  public static void forEachArgumentPrint(JsonNode args, LongConsumer sink) {
    if (args == null) {
      return;
    }
    if (args.isObject()) {
      for (Map.Entry<String, JsonNode> e : args.properties()) {
        argumentText(e.getKey(), sink);
        forEachArgumentPrint(e.getValue(), sink);
      }
    } else if (args.isArray()) {
      args.forEach(v -> forEachArgumentPrint(v, sink));
    } else if (args.isTextual() || args.isNumber()) {
      argumentText(args.asText(), sink);
    }
  }

  private static void argumentText(String s, LongConsumer sink) {
    int[] t = NormalizedText.of(s);
    for (long h : TextHashes.kgrams(t, K)) {
      sink.accept(h);
    }
    atoms(t, sink);
  }

  /** The whole string (unless a single word of letters) and its address-like tokens. */
  private static void atoms(int[] t, LongConsumer sink) {
    if (t.length >= MIN_ATOM && !allLetters(t)) {
      sink.accept(TextHashes.atom(t, 0, t.length));
    }
    int start = 0;
    for (int i = 0; i <= t.length; i++) {
      if (i == t.length || t[i] == ' ') {
        token(t, start, i, sink);
        start = i + 1;
      }
    }
  }

  private static void token(int[] t, int from, int to, LongConsumer sink) {
    while (from < to && OPENERS.indexOf(t[from]) >= 0) {
      from++;
    }
    while (to > from && CLOSERS.indexOf(t[to - 1]) >= 0) {
      to--;
    }
    if (to - from < MIN_ATOM || (from == 0 && to == t.length)) {
      return; // too short, or the whole string (already an atom)
    }
    for (int i = from; i < to; i++) {
      if (MARKS.indexOf(t[i]) >= 0) {
        sink.accept(TextHashes.atom(t, from, to));
        return;
      }
    }
  }

  private static boolean allLetters(int[] t) {
    for (int c : t) {
      if (!Character.isLetter(c)) {
        return false;
      }
    }
    return true;
  }

  /** A fingerprint as sealed: 16 lowercase hex digits. */
  public static String hex(long fingerprint) {
    return HEX.toHexDigits(fingerprint);
  }

  /**
   * Parses a sealed fingerprint; throws {@link IllegalArgumentException} unless it is 16 hex
   * digits.
   */
  public static long parseHex(String s) {
    if (s == null || s.length() != 16 || !s.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException("fingerprint: " + s + " (expected: 16 hex digits)");
    }
    return HexFormat.fromHexDigitsToLong(s);
  }
}
