package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.ChainRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportLineTest {
  private static final List<ChainRecord> CHAIN = TestChains.chain("t", "s", 3, false);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripKeepsEveryByte() throws Exception {
    for (ChainRecord r : CHAIN) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ExportLine.write(r, false, b);
      byte[] line = b.toByteArray();
      assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
      ExportLine.Entry entry = ExportLine.parse(Arrays.copyOf(line, line.length - 1));
      assertThat(entry.sealed()).isEqualTo(r.sealed());
      ChainRecord back = ExportLine.record(entry, "other", "other", 99, null);
      assertThat(back.sealed()).isEqualTo(r.sealed());
      assertThat(back.body()).isEqualTo(r.body());
      assertThat(back.hash()).isEqualTo(r.hash());
      assertThat(back.seq()).isEqualTo(r.seq());
      assertThat(back.prevHash()).isEqualTo(r.prevHash());
      assertThat(back.eventType()).isEqualTo(r.eventType());
    }
  }

  /** The record's span is found by byte offset even after multi-byte characters and escapes. */
  @Test
  void recordSpanIsExactWhateverSurroundsIt() throws Exception {
    String record =
        "{\"event_type\":\"X\",\"payload\":{\"s\":\"\u00e9\ud83d\ude00 }\\\"{\"},\"seq\":0,"
            + "\"session_id\":\"s\u00e9\",\"tenant_id\":\"t\",\"ts_unix_ms\":1,\"user_id\":\"\"}";
    String line = "{ \"hash\" : \"\u00e9\u00e9\" ,\n \"record\" :  " + record + "  }";
    ChainRecord r = ExportLine.record(ExportLine.parse(utf8(line)), "x", "y", 5, null);
    assertThat(new String(r.sealed(), StandardCharsets.UTF_8)).isEqualTo(record);
    assertThat(r.hash()).isEqualTo("\u00e9\u00e9");
    assertThat(r.sessionId()).isEqualTo("s\u00e9");
    assertThat(r.body()).isNull();
  }

  @Test
  void malformedLinesSayWhy() {
    String rec = new String(CHAIN.get(0).sealed(), StandardCharsets.UTF_8);
    String h = CHAIN.get(0).hash();
    assertMalformed("[1]", "not a JSON object");
    assertMalformed("{\"record\":" + rec, "not valid JSON");
    assertMalformed("{\"hash\":\"" + h + "\"}", "missing \"record\"");
    assertMalformed("{\"record\":" + rec + "}", "missing \"hash\"");
    assertMalformed("{\"record\":\"x\",\"hash\":\"" + h + "\"}", "\"record\" is not a JSON object");
    assertMalformed("{\"record\":" + rec + ",\"hash\":1}", "\"hash\" is not a string");
    assertMalformed(
        "{\"record\":" + rec + ",\"hash\":\"" + h + "\",\"body\":\"*\"}", "\"body\" is not base64");
    assertMalformed(
        "{\"record\":" + rec + ",\"hash\":\"" + h + "\",\"note\":1}", "unexpected field \"note\"");
    assertMalformed(
        "{\"record\":" + rec + ",\"hash\":\"" + h + "\",\"hash\":\"" + h + "\"}",
        "Duplicate field");
    assertMalformed("{\"record\":" + rec + ",\"hash\":\"" + h + "\"} {}", "data after");
  }

  /** The verifier, not the line parser, judges a record that is JSON but not an envelope. */
  @Test
  void recordThatIsNotAnEnvelopeTakesTheExpectedColumns() throws Exception {
    String prev = CHAIN.get(0).hash();
    ExportLine.Entry e = ExportLine.parse(utf8("{\"record\":{\"seq\":1},\"hash\":\"h\"}"));
    ChainRecord r = ExportLine.record(e, "t", "s", 1, prev);
    assertThat(r.tenantId()).isEqualTo("t");
    assertThat(r.sessionId()).isEqualTo("s");
    assertThat(r.seq()).isEqualTo(1);
    assertThat(r.prevHash()).isEqualTo(prev);
    assertThat(r.hash()).isEqualTo("h");
    assertThat(r.sealed()).isEqualTo(utf8("{\"seq\":1}"));
  }

  private static void assertMalformed(String line, String reason) {
    assertThatThrownBy(() -> ExportLine.parse(utf8(line)))
        .isInstanceOf(ExportLine.MalformedLineException.class)
        .hasMessageContaining(reason);
  }
}
