package dev.aegis.bench.jmh;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.Envelope;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.json.Json;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of sealing one event ({@link EnvelopeHasher#seal}: normalisation, RFC 8785 canonical bytes,
 * SHA-256) for the MCP_FRAME payload every relayed frame gets, and for a larger payload.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EnvelopeHashBenchmark {
  private static final String PREV =
      "96a74364847ab0440d4b0f2b8b7e1c2f6a0d3e5c7b9a1f2e4d6c8b0a2f4e6d8c";

  Envelope mcpFrame;
  Envelope large;

  /** Builds the envelopes once; sealing never modifies them. */
  @Setup
  public void setUp() {
    ObjectNode frame = Json.object();
    frame.put("direction", "client_to_server");
    frame.put("origin", "client");
    frame.put("kind", "request");
    frame.put("method", "tools/call");
    frame.put("id", "17");
    frame.put("body_sha256", "3f0a9d2c6b1e8f47a5c0d9e2b7f4a1c8e3d6b9f2a5c8e1d4b7a0f3c6e9d2b5a8");
    frame.put("body_len", 142);
    mcpFrame = envelope("MCP_FRAME", frame);
    large = envelope("TOOL_CALL_PROPOSED", toolCallPayload());
  }

  /** The payload of one relayed frame: direction, origin, kind, method, id, body digest, length. */
  @Benchmark
  public EnvelopeHasher.Sealed mcpFrame() {
    return EnvelopeHasher.seal(mcpFrame);
  }

  /** A tool-call proposal whose arguments hold about 4 KiB of nested fields and text. */
  @Benchmark
  public EnvelopeHasher.Sealed largePayload() {
    return EnvelopeHasher.seal(large);
  }

  private static Envelope envelope(String type, ObjectNode payload) {
    return new Envelope("acme", "", "sess-bench", 1234, 1_700_000_000_000L, type, payload, PREV);
  }

  static ObjectNode toolCallPayload() {
    ObjectNode p = Json.object();
    p.put("tool_name", "write_file");
    p.put("call_id", "call-0001234");
    ObjectNode args = p.putObject("args");
    args.put("path", "/srv/data/reports/2025/quarterly-summary.md");
    StringBuilder text = new StringBuilder();
    while (text.length() < 2048) {
      text.append("Résumé of findings — naïve café totals: 12.5%, \"quoted\", ünïcödé ✓. ");
    }
    args.put("content", text.toString());
    ObjectNode options = args.putObject("options");
    for (int i = 0; i < 24; i++) {
      options.put("option_" + (char) ('z' - i), i % 3 == 0 ? "value-" + i : null);
      options.put("flag_" + i, i % 2 == 0);
    }
    ArrayNode numbers = args.putArray("numbers");
    for (int i = 0; i < 64; i++) {
      numbers.add(i * 1_000_003L);
      numbers.add(i / 8.0);
    }
    return p;
  }
}
