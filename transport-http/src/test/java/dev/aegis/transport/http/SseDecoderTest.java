package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {
  private static final String STREAM =
      ": comment\r\n"
          + "id: 7\r\n"
          + "retry: 500\r\n"
          + "data:\r\n"
          + "\r\n"
          + "event: message\n"
          + "id: 8\n"
          + "data: {\"jsonrpc\":\"2.0\",\n"
          + "data:\"id\":1,\"result\":{}}\n"
          + "\n"
          + ": keep-alive\n"
          + "\n";

  private static List<SseEvent> decode(byte[] bytes, int chunk) {
    List<SseEvent> out = new ArrayList<>();
    SseDecoder d = new SseDecoder(1024, out::add);
    for (int i = 0; i < bytes.length; i += chunk) {
      d.feed(bytes, i, Math.min(chunk, bytes.length - i));
    }
    return out;
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void everySplitGivesTheSameEventsWithTheirExactBytes() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int chunk = 1; chunk <= bytes.length; chunk++) {
      List<SseEvent> events = decode(bytes, chunk);
      assertThat(events).as("chunk " + chunk).hasSize(3);
      StringBuilder raw = new StringBuilder();
      events.forEach(e -> raw.append(s(e.raw())));
      assertThat(raw.toString()).isEqualTo(STREAM);
      assertThat(s(events.get(0).data())).as("priming event: empty data").isEmpty();
      assertThat(s(events.get(0).fields())).isEqualTo(": comment\r\nid: 7\r\nretry: 500\r\n");
      assertThat(s(events.get(1).data()))
          .isEqualTo("{\"jsonrpc\":\"2.0\",\n\"id\":1,\"result\":{}}");
      assertThat(s(events.get(1).fields())).isEqualTo("event: message\nid: 8\n");
      assertThat(events.get(2).data()).isNull();
    }
  }

  @Test
  void aReplacedEventKeepsItsOtherFields() {
    SseEvent e = decode(STREAM.getBytes(StandardCharsets.UTF_8), 7).get(1);
    assertThat(s(e.withData("{\"a\":1}".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("event: message\nid: 8\ndata: {\"a\":1}\n\n");
    assertThat(s(e.withoutData())).isEqualTo("event: message\nid: 8\n\n");
    assertThat(new SseEvent(new byte[0], new byte[0], null).withoutData()).isEmpty();
  }

  @Test
  void anEventOverTheCapFailsFast() {
    byte[] big = ("data: " + "x".repeat(2000) + "\n\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> decode(big, 100)).isInstanceOf(SseDecoder.TooLarge.class);
  }
}
