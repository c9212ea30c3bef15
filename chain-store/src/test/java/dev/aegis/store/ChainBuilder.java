package dev.aegis.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import dev.aegis.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds real sealed chains for tests: seq 0 is a SESSION_STARTED without body, later events are
 * MCP_FRAME events whose payload commits to an arbitrary-bytes body by body_sha256 and body_len.
 * Not thread-safe; use one builder per thread.
 */
final class ChainBuilder {
  static final long T0 = 1_700_000_000_000L;

  private final String tenant;
  private final String session;
  private final Random random;
  private final long t0;
  private long seq;
  private String prevHash;

  ChainBuilder(String tenant, String session, long seed) {
    this(tenant, session, seed, T0);
  }

  /** A builder whose chain starts at {@code t0} and advances 7 ms per event. */
  ChainBuilder(String tenant, String session, long seed, long t0) {
    this.tenant = tenant;
    this.session = session;
    this.random = new Random(seed);
    this.t0 = t0;
  }

  private ChainBuilder(ChainBuilder from, long seed) {
    this(from.tenant, from.session, seed, from.t0);
    this.seq = from.seq;
    this.prevHash = from.prevHash;
  }

  /** A builder at the same position with another random stream: its records fork this chain. */
  ChainBuilder fork(long seed) {
    return new ChainBuilder(this, seed);
  }

  ChainRecord next() {
    if (seq == 0) {
      ObjectNode p = Json.object().put("proxy_version", "test").put("mode", "stdio");
      return next("SESSION_STARTED", p, null, "");
    }
    byte[] body = new byte[random.nextInt(300)];
    random.nextBytes(body);
    return frame(body);
  }

  /** An MCP_FRAME event committing to exactly these body bytes. */
  ChainRecord frame(byte[] body) {
    ObjectNode p =
        Json.object()
            .put("direction", random.nextBoolean() ? "client_to_server" : "server_to_client")
            .put("body_sha256", Hex.sha256(body))
            .put("body_len", body.length);
    return next("MCP_FRAME", p, body, seq % 3 == 0 ? "alice" : "");
  }

  /** The next event of a given type, without body. */
  ChainRecord event(String eventType) {
    return next(eventType, Json.object().put("note", "n" + seq), null, "");
  }

  List<ChainRecord> next(int n) {
    List<ChainRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  private ChainRecord next(String type, ObjectNode payload, byte[] body, String user) {
    Envelope e = new Envelope(tenant, user, session, seq, t0 + seq * 7, type, payload, prevHash);
    EnvelopeHasher.Sealed sealed = EnvelopeHasher.seal(e);
    seq++;
    prevHash = sealed.hash();
    return ChainRecord.of(sealed, body);
  }
}
