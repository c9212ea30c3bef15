package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static List<String> lines(InputStream in, int max) throws IOException {
    LineReader r = new LineReader(in, max);
    List<String> out = new ArrayList<>();
    for (LineReader.Line l = r.next(); l != null; l = r.next()) {
      out.add(
          l.bytes() == null
              ? "<" + l.length() + ">"
              : new String(l.bytes(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Hands out one byte per read, to exercise every split point. */
  private static InputStream trickle(String s) {
    return new FilterInputStream(bytes(s)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
      }
    };
  }

  @Test
  void splitsAtNewlinesKeepingEmptyLinesAndAnUnterminatedLastLine() throws IOException {
    String text = "a\n\nb\r\n\u00e9\ud83d\ude00\nlast";
    List<String> want = List.of("a", "", "b\r", "\u00e9\ud83d\ude00", "last");
    assertThat(lines(bytes(text), 100)).isEqualTo(want);
    assertThat(lines(trickle(text), 100)).isEqualTo(want);
    assertThat(lines(bytes(""), 100)).isEmpty();
    assertThat(lines(bytes("x\n"), 100)).containsExactly("x");
  }

  @Test
  void overlongLinesAreSkippedAndMeasured() throws IOException {
    String big = "x".repeat(200_000);
    assertThat(lines(bytes("a\n" + big + "\nb\n"), 100_000)).containsExactly("a", "<200000>", "b");
    assertThat(lines(trickle("abcdef\nab\n"), 3)).containsExactly("<6>", "ab");
    assertThat(lines(bytes(big + "\n"), 200_000)).containsExactly(big);
  }
}
