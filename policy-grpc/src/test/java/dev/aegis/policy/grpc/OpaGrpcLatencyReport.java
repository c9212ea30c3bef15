package dev.aegis.policy.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.PolicyEngine;
import dev.aegis.core.json.Json;
import dev.aegis.guard.policy.WasmPolicyEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints the latency of sequential decisions on loopback, sidecar against in-process; asserts
 * nothing (speed lives in bench/). Run with {@code -Daegis.latency=true}.
 */
@EnabledIfSystemProperty(named = "aegis.latency", matches = "true")
class OpaGrpcLatencyReport {
  private static final int WARMUP = 2000;
  private static final int RUNS = 5000;

  private static final JsonNode INPUT =
      Json.parseTrusted(
          """
          {"event": {"event_type": "TOOL_CALL_PROPOSED", "seq": 7, "session_id": "s1",
                     "payload": {"tool_name": "fetch", "call_id": "c7",
                                 "args": {"url": "https://api.example.com/v1/items"}}},
           "snapshot": {"steps_consumed": 6, "tool_calls_consumed": 6, "wall_time_ms": 5120,
                        "loop_violation": "", "is_tainted": false, "sanitized_keys": []},
           "manifest": {"schema": "aegis.dev/manifest/v0.1", "name": "demo", "version": "1.0.0",
                        "publisher": "acme",
                        "permissions": {"tools": ["fetch"],
                                        "net": {"domains": ["*.example.com"]}}}}
          """);

  @Test
  void report() throws Exception {
    List<Path> bundle = OpaGrpcPolicyEngineTest.bundle();
    try (OpaSidecar sidecar = OpaSidecar.start(Path.of("target/opa-sidecar-latency"), bundle);
        OpaGrpcPolicyEngine grpc =
            OpaGrpcPolicyEngine.connect(
                new OpaGrpcConfig(sidecar.target(), Duration.ofSeconds(5), bundle));
        WasmPolicyEngine wasm = WasmPolicyEngine.loadBuiltIn()) {
      measure(grpc);
      measure(wasm);
    }
  }

  private static void measure(PolicyEngine engine) throws Exception {
    for (int i = 0; i < WARMUP; i++) {
      engine.decide(INPUT).get(5, TimeUnit.SECONDS);
    }
    long[] nanos = new long[RUNS];
    String reason = null;
    for (int i = 0; i < RUNS; i++) {
      long t = System.nanoTime();
      reason = engine.decide(INPUT).get(5, TimeUnit.SECONDS).reason();
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    System.out.printf(
        "latency %-8s %d sequential decisions (%s): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
        engine.name(),
        RUNS,
        reason,
        nanos[RUNS / 2] / 1e6,
        nanos[RUNS * 99 / 100] / 1e6,
        nanos[RUNS - 1] / 1e6);
  }
}
