package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small parts of the stdio-to-HTTP link: framing both ways, event ids, settings. */
class HttpUpstreamPartsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFrameOnOneLineIsKeptByteForByte() {
    byte[] frame = b("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":\"x\\ny\"}}");
    assertThat(OneLine.of(frame)).isSameAs(frame);
  }

  @Test
  void lineBreaksBetweenTokensBecomeSpacesAndTheEndsAreTrimmed() {
    assertThat(new String(OneLine.of(b(" {\"id\":1,\r\n\"result\":{}}\n")), StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":1,  \"result\":{}}");
    assertThat(OneLine.of(b(" \n"))).isEmpty();
  }

  @Test
  void linesWrittenInAnyPiecesComeOutAsWholeFrames() {
    byte[] stream = b("{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}\n");
    for (int chunk = 1; chunk <= stream.length; chunk++) {
      List<String> frames = new ArrayList<>();
      int[] closed = {0};
      LineOutput out =
          new LineOutput(f -> frames.add(new String(f, StandardCharsets.UTF_8)), () -> closed[0]++);
      for (int i = 0; i < stream.length; i += chunk) {
        out.write(stream, i, Math.min(chunk, stream.length - i));
      }
      out.close();
      out.close();
      assertThat(frames)
          .as("chunk " + chunk)
          .containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
      assertThat(closed[0]).isEqualTo(1);
    }
  }

  @Test
  void queuedFramesAreReadAsLinesThenTheEnd() throws Exception {
    FrameQueueStream in = new FrameQueueStream();
    in.offer(b("{\"a\":1}"));
    in.offer(b("{\"b\":2}"));
    in.end();
    in.offer(b("{\"late\":3}"));
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[3];
    int n;
    while ((n = in.read(buf, 0, buf.length)) >= 0) {
      got.write(buf, 0, n);
    }
    assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void theLastEventIdIsRemembered() throws Exception {
    SseBodyReader r = new SseBodyReader(1024);
    List<String> frames = new ArrayList<>();
    String body = "id: 1\ndata:\n\nid:2\nevent: message\ndata: {\"x\":1}\n\n: ping\n\n";
    r.read(
        new java.io.ByteArrayInputStream(b(body)),
        f -> frames.add(new String(f, StandardCharsets.UTF_8)));
    assertThat(frames).containsExactly("{\"x\":1}");
    assertThat(r.lastEventId()).isEqualTo("2");
    assertThat(r.events()).isEqualTo(1);
  }

  @Test
  void headersAreCheckedAndTheirValuesNeverPrinted() {
    HttpUpstreamConfig.Header h = HttpUpstreamConfig.Header.parse("Authorization: Bearer abc");
    assertThat(h.name()).isEqualTo("Authorization");
    assertThat(h.value()).isEqualTo("Bearer abc");
    assertThat(h.toString()).doesNotContain("abc");
    assertThatThrownBy(() -> HttpUpstreamConfig.Header.parse("no colon"))
        .hasMessageContaining("upstream-header");
    assertThatThrownBy(() -> HttpUpstreamConfig.Header.parse("Mcp-Session-Id: x"))
        .hasMessageContaining("does not set itself");
    assertThatThrownBy(() -> HttpUpstreamConfig.Header.parse("Bad Name: x"))
        .hasMessageContaining("HTTP token");
  }

  @Test
  void theUrlIsShownWithoutCredentials() {
    URI u = URI.create("https://ada:secret@mcp.example.com:8443/mcp?key=secret#x");
    assertThat(HttpUpstreamConfig.redacted(u)).isEqualTo("https://mcp.example.com:8443/mcp");
    HttpUpstreamConfig c = new HttpUpstreamConfig(u, List.of(), null, 1024);
    assertThat(c.toString()).doesNotContain("secret");
    assertThatThrownBy(() -> new HttpUpstreamConfig(URI.create("ftp://h/x"), List.of(), null, 1))
        .hasMessageContaining("expected: http://");
    assertThatThrownBy(
            () ->
                new HttpUpstreamConfig(
                    URI.create("http://h/mcp"), List.of(), java.nio.file.Path.of("ca.pem"), 1))
        .hasMessageContaining("upstream-ca");
  }
}
