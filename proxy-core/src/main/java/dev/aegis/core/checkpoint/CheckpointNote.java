package dev.aegis.core.checkpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The plain signed-note text form of checkpoints, for publishing and for witnesses. One note:
 *
 * <pre>
 * aegis-checkpoint/v1
 * tenant acme
 * session s1
 * seq 1999
 * head 3f…(64 hex)
 * time 1700000000000
 *
 * — 1a2b3c4d5e6f7a8b BASE64SIGNATURE
 * </pre>
 *
 * The first six lines (each ending in a newline) are the statement, the exact bytes signed; a blank
 * line follows, then one signature line ({@code —}, U+2014, then the key id and the standard base64
 * Ed25519 signature), absent for an unsigned checkpoint. Ids are written with {@code %}, control
 * characters and spaces percent-encoded (UTF-8). Files hold notes one after another. Stateless and
 * thread-safe.
 */
public final class CheckpointNote {
  /** The first line of every note: names the format and its version. */
  public static final String ORIGIN = "aegis-checkpoint/v1";

  private static final String DASH = "\u2014 ";

  private CheckpointNote() {}

  /** The statement text of a checkpoint: the six lines that are signed. */
  public static String statement(Checkpoint c) {
    return ORIGIN
        + "\ntenant "
        + escape(c.tenantId())
        + "\nsession "
        + escape(c.sessionId())
        + "\nseq "
        + c.seq()
        + "\nhead "
        + c.headHash()
        + "\ntime "
        + c.tsUnixMs()
        + "\n";
  }

  /** The whole note: statement, blank line, and the signature line if signed. */
  public static String format(Checkpoint c) {
    String note = statement(c) + "\n";
    if (c.signed()) {
      note += DASH + c.keyId() + " " + Base64.getEncoder().encodeToString(c.signature()) + "\n";
    }
    return note;
  }

  /**
   * Parses a text of notes one after another (blank lines between notes are allowed). Throws {@link
   * IllegalArgumentException} naming the line of the first malformed note.
   */
  public static List<Checkpoint> parse(String text) {
    List<Checkpoint> out = new ArrayList<>();
    List<String> lines;
    try (BufferedReader r = new BufferedReader(new StringReader(text))) {
      lines = r.lines().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    int i = 0;
    while (i < lines.size()) {
      if (lines.get(i).isEmpty()) {
        i++;
        continue;
      }
      int start = i + 1;
      if (i + 6 > lines.size() || !lines.get(i).equals(ORIGIN)) {
        throw new IllegalArgumentException("line " + start + ": expected " + ORIGIN);
      }
      String tenant = unescape(field(lines, i + 1, "tenant"));
      String session = unescape(field(lines, i + 2, "session"));
      long seq = number(lines, i + 3, "seq");
      String head = field(lines, i + 4, "head");
      long time = number(lines, i + 5, "time");
      i += 6;
      if (i < lines.size() && lines.get(i).isEmpty()) {
        i++;
      }
      String keyId = null;
      byte[] signature = null;
      if (i < lines.size() && lines.get(i).startsWith(DASH)) {
        String[] parts = lines.get(i).substring(DASH.length()).split(" ", -1);
        if (parts.length != 2 || parts[0].isEmpty()) {
          throw new IllegalArgumentException("line " + (i + 1) + ": malformed signature line");
        }
        keyId = parts[0];
        try {
          signature = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("line " + (i + 1) + ": signature is not base64");
        }
        i++;
      }
      try {
        out.add(new Checkpoint(tenant, session, seq, head, time, keyId, signature));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("note at line " + start + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static String field(List<String> lines, int i, String name) {
    String line = lines.get(i);
    if (!line.startsWith(name + " ")) {
      throw new IllegalArgumentException("line " + (i + 1) + ": expected '" + name + " …'");
    }
    return line.substring(name.length() + 1);
  }

  private static long number(List<String> lines, int i, String name) {
    String v = field(lines, i, name);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line " + (i + 1) + ": " + name + " is not a number");
    }
  }

  static String escape(String id) {
    StringBuilder sb = new StringBuilder();
    id.codePoints()
        .forEach(
            cp -> {
              if (cp <= 0x20 || cp == 0x7f || cp == '%') {
                sb.append('%').append(String.format("%02X", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return sb.toString();
  }

  static String unescape(String text) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '%' && i + 2 < text.length()) {
        try {
          sb.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad percent escape in " + text);
        }
        i += 2;
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }
}
