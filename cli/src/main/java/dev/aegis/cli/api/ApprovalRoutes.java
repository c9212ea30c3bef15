package dev.aegis.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.ApprovalViews;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.approval.ApprovalStore;
import dev.aegis.core.json.Json;
import dev.aegis.store.ChainStores;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /v1/approvals} (pending and unexpired unless {@code all=true}; {@code tenant_id}
 * filters) and {@code POST /v1/approvals/{token}} with {@code {"decision": "approve"|"deny",
 * "args", "by", "message"}}: the same store operation as {@code aegisctl approve}, so a proxy
 * holding the call sees the decision within its poll interval.
 */
final class ApprovalRoutes {
  private final ApiContext ctx;

  ApprovalRoutes(ApiContext ctx) {
    this.ctx = ctx;
  }

  void install(ControlApi api) {
    api.route("GET", "/v1/approvals", this::list);
    api.route("POST", "/v1/approvals/(?<token>[^/]+)", this::decide);
  }

  private ApprovalStore approvals() {
    return ChainStores.approvals(ctx.rawStore());
  }

  private void list(ApiExchange x) throws IOException {
    long now = ctx.clock().millis();
    boolean all = "true".equals(x.query("all"));
    int limit = x.intQuery("limit", 100, 1000);
    List<ApprovalRecord> list = approvals().list(x.query("tenant_id"), !all, now, limit);
    ObjectNode doc = Json.object();
    ArrayNode a = doc.putArray("approvals");
    list.forEach(r -> a.add(ApprovalViews.toJson(r, now)));
    x.send(200, doc);
  }

  private void decide(ApiExchange x) throws IOException {
    String token = x.pathParam("token");
    ObjectNode body = x.jsonBody();
    String decision = body.path("decision").asText("");
    if (!decision.equals("approve") && !decision.equals("deny")) {
      throw ApiException.badRequest("decision: required, approve or deny");
    }
    boolean approve = decision.equals("approve");
    JsonNode args = body.get("args");
    if (args != null && !args.isNull()) {
      if (!approve) {
        throw ApiException.badRequest("args: applies to an approval, not to a denial");
      }
      if (!args.isObject()) {
        throw ApiException.badRequest("args: expected a JSON object");
      }
    } else {
      args = null;
    }
    String by = body.path("by").asText("control-api");
    String message = body.path("message").isTextual() ? body.get("message").asText() : null;
    long now = ctx.clock().millis();
    ApprovalStore.Decided d = approvals().decide(token, approve, args, by, message, now);
    switch (d.outcome()) {
      case DECIDED:
        x.send(200, Json.object().set("approval", ApprovalViews.toJson(d.record(), now)));
        return;
      case NOT_FOUND:
        throw ApiException.notFound("no approval request " + token);
      case ALREADY_DECIDED:
        throw ApiException.conflict(
            "ALREADY_DECIDED",
            token + " was already decided (" + ApprovalViews.state(d.record(), now) + ")");
      default:
        throw ApiException.conflict("EXPIRED", token + " expired");
    }
  }
}
