package dev.aegis.transport.stdio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.event.Hex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFrameDecoderTest {
  private final List<String> events = new ArrayList<>();

  private LineFrameDecoder decoder(int max) {
    return new LineFrameDecoder(
        max,
        new LineFrameDecoder.Listener() {
          @Override
          public void onLine(byte[] line) {
            events.add("line:" + new String(line, StandardCharsets.UTF_8));
          }

          @Override
          public void onOversized(byte[] prefix, int n, long length, String sha256) {
            events.add(
                "big:"
                    + new String(prefix, 0, n, StandardCharsets.UTF_8)
                    + ":"
                    + length
                    + ":"
                    + sha256);
          }
        });
  }

  @Test
  void everySplitPointGivesTheSameFrames() {
    String input = "{\"a\":1}\n\n  \n{\"b\":\"é😀\"}\r\n{\"c\":3}";
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    List<String> expected = List.of("line:{\"a\":1}", "line:{\"b\":\"é😀\"}\r", "line:{\"c\":3}");
    for (int split = 0; split <= bytes.length; split++) {
      events.clear();
      LineFrameDecoder d = decoder(1024);
      d.feed(bytes, 0, split);
      d.feed(bytes, split, bytes.length - split);
      d.end();
      assertThat(events).as("split at %d", split).isEqualTo(expected);
    }
    events.clear();
    LineFrameDecoder d = decoder(1024);
    for (byte b : bytes) {
      d.feed(new byte[] {b}, 0, 1);
    }
    d.end();
    assertThat(events).isEqualTo(expected);
  }

  @Test
  void oversizedLineIsDiscardedWithDigestAndTheNextLineSurvives() {
    String big = "{\"id\":7,\"x\":\"" + "y".repeat(100) + "\"}";
    byte[] bytes = (big + "\n{\"ok\":true}\n").getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 7, 64, bytes.length}) {
      events.clear();
      LineFrameDecoder d = decoder(50);
      for (int i = 0; i < bytes.length; i += chunk) {
        d.feed(bytes, i, Math.min(chunk, bytes.length - i));
      }
      d.end();
      String digest = Hex.sha256(big.getBytes(StandardCharsets.UTF_8));
      assertThat(events).as("chunk %d", chunk).hasSize(2);
      assertThat(events.get(0))
          .startsWith("big:{\"id\":7,")
          .endsWith(":" + big.length() + ":" + digest);
      assertThat(events.get(1)).isEqualTo("line:{\"ok\":true}");
    }
  }

  @Test
  void lineOfExactlyTheLimitIsAccepted() {
    LineFrameDecoder d = decoder(5);
    byte[] b = "12345\n123456\n".getBytes(StandardCharsets.UTF_8);
    d.feed(b, 0, b.length);
    assertThat(events)
        .containsExactly(
            "line:12345", "big:123456:6:" + Hex.sha256("123456".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rejectsNonPositiveLimit() {
    assertThatThrownBy(() -> decoder(0)).hasMessage("maxFrameBytes: 0 (expected: > 0)");
  }
}
