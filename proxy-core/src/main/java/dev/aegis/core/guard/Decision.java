package dev.aegis.core.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;

/**
 * A policy decision as a value: outcome, a stable reason code and constraints for allowed calls
 * ({@code max_output_bytes}, {@code timeout_ms}). Malformed policy output becomes a deny with
 * {@link #POLICY_ERROR}: the guard fails closed.
 */
public record Decision(Outcome outcome, String reason, ObjectNode constraints) {
  /** Reason for any engine failure: error, timeout or malformed output. */
  public static final String POLICY_ERROR = "POLICY_ERROR";

  /** Checks the parts; constraints default to an empty object. */
  public Decision {
    requireNonNull(outcome, "outcome");
    requireNonNull(reason, "reason");
    constraints = constraints == null ? Json.object() : constraints.deepCopy();
  }

  /** A fail-closed deny with reason POLICY_ERROR. */
  public static Decision policyError() {
    return new Decision(Outcome.DENY, POLICY_ERROR, null);
  }

  /**
   * Reads the policy's {@code {outcome, reason, constraints}}; anything else (not an object, an
   * unknown outcome, a missing or empty reason, constraints that are not an object) is a
   * POLICY_ERROR deny.
   */
  public static Decision fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      return policyError();
    }
    Outcome outcome =
        Outcome.fromWire(n.path("outcome").isTextual() ? n.get("outcome").asText() : null);
    JsonNode reason = n.get("reason");
    JsonNode constraints = n.get("constraints");
    if (outcome == null || reason == null || !reason.isTextual() || reason.asText().isEmpty()) {
      return policyError();
    }
    if (constraints != null && !constraints.isNull() && !constraints.isObject()) {
      return policyError();
    }
    return new Decision(
        outcome,
        reason.asText(),
        constraints == null || constraints.isNull() ? null : (ObjectNode) constraints);
  }

  /** The decision as the policy writes it: {@code {outcome, reason, constraints}}. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("outcome", outcome.wireName());
    o.put("reason", reason);
    o.set("constraints", constraints.deepCopy());
    return o;
  }
}
