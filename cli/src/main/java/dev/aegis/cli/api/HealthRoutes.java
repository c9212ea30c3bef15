package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /healthz} (the process answers), {@code GET /readyz} (the store answers a query and
 * the policy engine gives a real decision for a probe input, not POLICY_ERROR) and {@code GET
 * /metrics} (Prometheus text). The probes need no token.
 */
final class HealthRoutes {
  private final ApiContext ctx;

  HealthRoutes(ApiContext ctx) {
    this.ctx = ctx;
  }

  void install(ControlApi api) {
    api.openRoute("GET", "/healthz", x -> x.send(200, Json.object().put("status", "ok")));
    api.openRoute("GET", "/readyz", this::ready);
    api.route(
        "GET",
        "/metrics",
        x ->
            x.send(
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                ctx.metrics().scrape().getBytes(StandardCharsets.UTF_8)));
  }

  private void ready(ApiExchange x) throws IOException {
    ObjectNode checks = Json.object();
    boolean storeOk;
    try {
      ctx.rawStore().head("_probe", "_probe");
      storeOk = true;
    } catch (RuntimeException e) {
      storeOk = false;
    }
    checks.put("store", storeOk ? "ok" : "unreachable");
    boolean engineOk;
    try {
      ObjectNode probe = Json.object();
      probe.putObject("event").put("event_type", "READINESS_PROBE");
      Decision d =
          ctx.guards()
              .unmeteredEngine()
              .decide(probe)
              .get(5, TimeUnit.SECONDS); // fails closed on error
      engineOk = !Decision.POLICY_ERROR.equals(d.reason());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      engineOk = false;
    }
    checks.put("policy_engine", engineOk ? "ok" : "not loaded");
    boolean ok = storeOk && engineOk;
    ObjectNode body = Json.object().put("status", ok ? "ready" : "not_ready");
    body.set("checks", checks);
    x.send(ok ? 200 : 503, body);
  }
}
