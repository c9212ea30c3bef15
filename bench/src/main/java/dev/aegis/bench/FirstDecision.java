package dev.aegis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.guard.policy.PolicyBundle;
import dev.aegis.guard.policy.WasmEngineConfig;
import dev.aegis.guard.policy.WasmExecution;
import dev.aegis.guard.policy.WasmPolicyEngine;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link PolicyLatency}: starts the in-process engine on the built-in bundle
 * in one execution mode, asks for one decision at once and prints one line of timings (ms since JVM
 * start). The JVM's own start-up before {@code main} is included, as a user would see it.
 */
public final class FirstDecision {
  /** Prefix of the line {@link PolicyLatency} reads. */
  static final String PREFIX = "first-decision";

  private FirstDecision() {}

  /**
   * {@code FirstDecision MODE}: prints {@code first-decision main=… first=… compiled=… reason=…}.
   */
  public static void main(String[] args) throws Exception {
    WasmExecution mode = WasmExecution.valueOf(args[0]);
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long main = System.currentTimeMillis() - jvmStart;
    JsonNode input = PolicyInputs.typical();
    try (WasmPolicyEngine engine =
        WasmPolicyEngine.start(
            PolicyBundle.builtIn(), WasmEngineConfig.defaults().withExecution(mode))) {
      Decision first = engine.decide(input).get(60, TimeUnit.SECONDS);
      long firstAt = System.currentTimeMillis() - jvmStart;
      long compiledAt = -1;
      if (mode != WasmExecution.INTERPRETER) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!engine.compiledInService() && System.nanoTime() < until) {
          Thread.sleep(1);
        }
        compiledAt = System.currentTimeMillis() - jvmStart;
      }
      System.out.println(
          String.format(
              Locale.ROOT,
              "%s main=%d first=%d compiled=%d reason=%s",
              PREFIX,
              main,
              firstAt,
              compiledAt,
              first.reason()));
    }
  }
}
