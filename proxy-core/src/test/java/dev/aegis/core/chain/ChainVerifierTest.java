package dev.aegis.core.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import dev.aegis.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {

  static List<ChainRecord> chain(int n) {
    List<ChainRecord> out = new ArrayList<>();
    String prev = null;
    for (int i = 0; i < n; i++) {
      byte[] body =
          ("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}")
              .getBytes(StandardCharsets.UTF_8);
      var payload = Json.object().put("body_sha256", Hex.sha256(body)).put("body_len", body.length);
      var s =
          EnvelopeHasher.seal(new Envelope("t", "", "s", i, 1000 + i, "MCP_FRAME", payload, prev));
      out.add(ChainRecord.of(s, body));
      prev = s.hash();
    }
    return out;
  }

  static VerifyResult verify(List<ChainRecord> records) {
    ChainVerifier v = new ChainVerifier("t", "s");
    records.forEach(v::accept);
    return v.result();
  }

  static ChainRecord with(ChainRecord r, UnaryOperator<Object[]> change) {
    Object[] f = {
      r.tenantId(),
      r.sessionId(),
      r.seq(),
      r.tsUnixMs(),
      r.eventType(),
      r.userId(),
      r.prevHash(),
      r.hash(),
      r.sealed(),
      r.body()
    };
    f = change.apply(f);
    return new ChainRecord(
        (String) f[0],
        (String) f[1],
        (Long) f[2],
        (Long) f[3],
        (String) f[4],
        (String) f[5],
        (String) f[6],
        (String) f[7],
        (byte[]) f[8],
        (byte[]) f[9]);
  }

  @Test
  void untouchedChainIsValid() {
    VerifyResult r = verify(chain(5));
    assertThat(r.valid()).isTrue();
    assertThat(r.events()).isEqualTo(5);
    assertThat(r.headHash()).isEqualTo(chain(5).get(4).hash());
  }

  @Test
  void everyColumnChangeIsCaughtAtItsSeq() {
    List<UnaryOperator<Object[]>> changes =
        List.of(
            f -> {
              f[3] = (Long) f[3] + 1;
              return f;
            },
            f -> {
              f[4] = "TOOL_RESULT";
              return f;
            },
            f -> {
              f[5] = "mallory";
              return f;
            },
            f -> {
              f[6] = "0".repeat(64);
              return f;
            },
            f -> {
              f[7] = "f" + ((String) f[7]).substring(1);
              return f;
            },
            f -> {
              byte[] b = ((byte[]) f[8]).clone();
              b[b.length - 3] ^= 1;
              f[8] = b;
              return f;
            },
            f -> {
              byte[] b = ((byte[]) f[9]).clone();
              b[0] ^= 1;
              f[9] = b;
              return f;
            },
            f -> {
              f[9] = null;
              return f;
            });
    for (UnaryOperator<Object[]> change : changes) {
      List<ChainRecord> c = chain(5);
      c.set(2, with(c.get(2), change));
      VerifyResult r = verify(c);
      assertThat(r.valid()).isFalse();
      assertThat(r.firstBadSeq()).as(r.reason()).isEqualTo(2);
    }
  }

  @Test
  void deletedSwappedAndForgedRecordsAreCaught() {
    List<ChainRecord> deleted = chain(5);
    deleted.remove(1);
    assertThat(verify(deleted).firstBadSeq()).isEqualTo(1);
    assertThat(verify(deleted).reason()).contains("gap");

    List<ChainRecord> swapped = chain(5);
    Collections.swap(swapped, 1, 3);
    assertThat(verify(swapped).firstBadSeq()).isEqualTo(1);

    List<ChainRecord> genesisMissing = chain(3);
    genesisMissing.remove(0);
    assertThat(verify(genesisMissing).firstBadSeq()).isEqualTo(0);
  }

  @Test
  void recordSealedWithAValidHashButWrongLinkIsCaught() {
    List<ChainRecord> c = chain(3);
    var forged =
        EnvelopeHasher.seal(
            new Envelope("t", "", "s", 2, 5, "MCP_FRAME", Json.object(), "0".repeat(64)));
    c.set(2, ChainRecord.of(forged, null));
    VerifyResult r = verify(c);
    assertThat(r.firstBadSeq()).isEqualTo(2);
    assertThat(r.reason()).contains("broken link");
  }
}
