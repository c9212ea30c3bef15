package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Durability;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Builds real sealed chains in a SQLite store: seq 0 SESSION_STARTED, then MCP_FRAME events whose
 * bodies are stored beside the chain, then (optionally) a TERMINATION.
 */
final class TestChains {
  static final long T0 = 1_700_000_000_000L;

  private TestChains() {}

  /** The store URL of a SQLite file. */
  static String url(Path db) {
    return "sqlite:" + db;
  }

  /** Seals a chain of {@code events} events (the last a TERMINATION if {@code terminated}). */
  static List<ChainRecord> chain(String tenant, String session, int events, boolean terminated) {
    return chain(tenant, session, events, terminated, T0);
  }

  /** Seals a chain whose events are 10 ms apart from {@code t0}. */
  static List<ChainRecord> chain(
      String tenant, String session, int events, boolean terminated, long t0) {
    return chain(tenant, session, events, terminated, t0, TestChains::frame);
  }

  /** Seals SESSION_STARTED and one client frame per body, then stores them at {@code db}. */
  static List<ChainRecord> store(Path db, String tenant, String session, List<byte[]> bodies) {
    List<ChainRecord> records =
        chain(tenant, session, bodies.size() + 1, false, T0, seq -> bodies.get(seq - 1));
    append(db, records);
    return records;
  }

  private static List<ChainRecord> chain(
      String tenant,
      String session,
      int events,
      boolean terminated,
      long t0,
      IntFunction<byte[]> frames) {
    List<ChainRecord> records = new ArrayList<>();
    String prev = null;
    for (int seq = 0; seq < events; seq++) {
      ObjectNode payload = Json.object();
      byte[] body = null;
      String type;
      if (seq == 0) {
        type = "SESSION_STARTED";
        payload.put("proxy_version", "test");
      } else if (terminated && seq == events - 1) {
        type = "TERMINATION";
        payload.put("exit_code", 0);
      } else {
        type = "MCP_FRAME";
        body = frames.apply(seq);
        payload.put("direction", seq % 2 == 1 ? "c2s" : "s2c");
        payload.put("method", "tools/call");
        payload.put("body_sha256", Hex.sha256(body));
        payload.put("body_len", body.length);
      }
      Envelope e = new Envelope(tenant, "", session, seq, t0 + 10L * seq, type, payload, prev);
      EnvelopeHasher.Sealed sealed = EnvelopeHasher.seal(e);
      records.add(ChainRecord.of(sealed, body));
      prev = sealed.hash();
    }
    return records;
  }

  /** The exact frame bytes stored for a seq: unicode, escapes and an id beyond 2^53. */
  static byte[] frame(int seq) {
    return ("{\"jsonrpc\":\"2.0\",\"id\":9007199254740993"
            + seq
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
            + "{\"text\":\"h\\u00e9llo \u00e9 \\n "
            + seq
            + "\"}}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Appends the records to the store at {@code db}, waiting until they are durable. */
  static void append(Path db, List<ChainRecord> records) {
    try (ChainStore store = ChainStores.open(url(db), Durability.NORMAL)) {
      for (ChainRecord r : records) {
        store.append(r).join();
      }
    }
  }

  /** Seals and stores a chain starting at {@link #T0}. */
  static List<ChainRecord> store(
      Path db, String tenant, String session, int events, boolean terminated) {
    return store(db, tenant, session, events, terminated, T0);
  }

  /** Seals and stores a chain starting at {@code t0}. */
  static List<ChainRecord> store(
      Path db, String tenant, String session, int events, boolean terminated, long t0) {
    List<ChainRecord> records = chain(tenant, session, events, terminated, t0);
    append(db, records);
    return records;
  }
}
