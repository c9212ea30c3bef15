package dev.aegis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  @Test
  void splitsAtEveryChunkBoundary() throws IOException {
    String text = "{\"a\":1}\n\n{\"b\":\"" + "x".repeat(70_000) + "\"}\nlast";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 7, 4096, bytes.length}) {
      LineReader r = new LineReader(trickle(bytes, chunk), 1 << 20);
      assertThat(new String(r.readLine(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
      assertThat(r.readLine()).isEmpty();
      assertThat(r.readLine()).hasSize(70_008);
      assertThat(new String(r.readLine(), StandardCharsets.UTF_8)).isEqualTo("last");
      assertThat(r.readLine()).isNull();
    }
  }

  @Test
  void failsFastOnOversizedLines() {
    byte[] bytes = ("y".repeat(200_000) + "\n").getBytes(StandardCharsets.US_ASCII);
    LineReader r = new LineReader(new ByteArrayInputStream(bytes), 100_000);
    assertThatThrownBy(r::readLine).isInstanceOf(IOException.class).hasMessageContaining("100000");
  }

  /** A stream that returns at most {@code chunk} bytes per read. */
  private static InputStream trickle(byte[] bytes, int chunk) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }
}
