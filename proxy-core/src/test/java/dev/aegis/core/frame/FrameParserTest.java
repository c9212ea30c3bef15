package dev.aegis.core.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameParserTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "request with number id | {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"} | REQUEST | 1 | tools/list",
        "request with string id | {\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"ping\"} | REQUEST | \"1\" | ping",
        "id beyond 2^53 keeps its digits | {\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"} | REQUEST | 123456789012345678901234567890 | ping",
        "negative and float ids keep their text | {\"jsonrpc\":\"2.0\",\"id\":-1.50,\"method\":\"ping\"} | REQUEST | -1.50 | ping",
        "string id with escapes decodes | {\"jsonrpc\":\"2.0\",\"id\":\"a\\u0062\",\"method\":\"ping\"} | REQUEST | \"ab\" | ping",
        "notification | {\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"} | NOTIFICATION | | notifications/initialized",
        "result, members in any order | {\"result\":{\"_meta\":{}},\"id\":7,\"jsonrpc\":\"2.0\",\"extra\":[1]} | RESULT | 7 |",
        "error with null id | {\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"x\"}} | ERROR | null |",
        "unknown members and _meta pass | {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"_meta\":{\"progressToken\":1},\"name\":\"x\"},\"x-unknown\":true} | REQUEST | 2 | tools/call",
        "not JSON | {\"jsonrpc\":\"2.0\", | MALFORMED | |",
        "batch | [{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}] | MALFORMED | |",
        "scalar | 42 | MALFORMED | |",
        "missing jsonrpc keeps id | {\"id\":5,\"method\":\"ping\"} | MALFORMED | 5 | ping",
        "wrong jsonrpc version | {\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"} | MALFORMED | 5 | ping",
        "duplicate member | {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"method\":\"tools/call\"} | MALFORMED | 1 | ping",
        "method and result | {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"result\":{}} | MALFORMED | 1 | ping",
        "result and error | {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}} | MALFORMED | 1 |",
        "request with null id | {\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"} | MALFORMED | null | ping",
        "boolean id | {\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"} | MALFORMED | | ping",
        "response without id | {\"jsonrpc\":\"2.0\",\"result\":{}} | MALFORMED | |",
        "trailing data | {\"jsonrpc\":\"2.0\",\"method\":\"x\"} {} | MALFORMED | | x",
        "method not a string | {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":3} | MALFORMED | 1 |",
      })
  void classifies(String note, String json, FrameKind kind, String id, String method) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Frame f = Frame.of(bytes);
    assertThat(f.kind()).as(note).isEqualTo(kind);
    assertThat(f.id() == null ? null : f.id().toJson()).as(note).isEqualTo(id);
    assertThat(f.method()).as(note).isEqualTo(method);
    assertThat(f.bytes()).as("exact bytes kept").isSameAs(bytes);
    assertThat(f.problem() == null).as(note).isEqualTo(kind != FrameKind.MALFORMED);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"data\":\"AAAA | 42 | tools/call",
        "{\"id\":\"big\",\"jsonrpc\":\"2.0\",\"result\":{\"content\":[{\"text\":\"xx | \"big\" |",
      })
  void prefixOfOversizedFrameYieldsIdAndMethod(String prefix, String id, String method) {
    byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
    Frame f = Frame.ofPrefix(bytes, bytes.length);
    assertThat(f.kind()).isEqualTo(FrameKind.MALFORMED);
    assertThat(f.id().toJson()).isEqualTo(id);
    assertThat(f.method()).isEqualTo(method);
  }

  @org.junit.jupiter.api.Test
  void toStringNeverShowsContent() {
    Frame f =
        Frame.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"secret\":\"hunter2\"}}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(f.toString()).doesNotContain("hunter2").contains("tools/call");
  }
}
