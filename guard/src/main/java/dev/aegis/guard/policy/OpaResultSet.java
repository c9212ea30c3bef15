package dev.aegis.guard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Reads what an OPA Wasm evaluation returns, a result set {@code [{"result": VALUE}]}, as a
 * decision. An empty set (the rule is undefined), several results, or a value that is not a
 * decision are POLICY_ERROR denies.
 */
final class OpaResultSet {
  private static final System.Logger LOG = System.getLogger(OpaResultSet.class.getName());

  private OpaResultSet() {}

  /** The decision in a result set; never null, never throws. */
  static Decision decision(byte[] resultSet, String entrypoint) {
    JsonNode set;
    try {
      set = Json.parse(resultSet);
    } catch (IOException | RuntimeException e) {
      return malformed(entrypoint, "the result set is not JSON");
    }
    if (!set.isArray() || set.size() != 1) {
      return malformed(
          entrypoint,
          set.isArray() && set.isEmpty()
              ? "the entrypoint is undefined for this input"
              : "expected one result");
    }
    JsonNode value = set.get(0).get("result");
    Decision decision = Decision.fromJson(value);
    if (Decision.POLICY_ERROR.equals(decision.reason()) && !saysPolicyError(value)) {
      // Name the shape only: the value may echo tool arguments, which logs must not carry.
      return malformed(entrypoint, "not a decision {outcome, reason, constraints}");
    }
    return decision;
  }

  private static boolean saysPolicyError(JsonNode value) {
    return value != null && Decision.POLICY_ERROR.equals(value.path("reason").asText(null));
  }

  private static Decision malformed(String entrypoint, String why) {
    LOG.log(
        Level.WARNING,
        "policy decision failed closed (POLICY_ERROR): malformed output of {0}: {1}",
        entrypoint,
        why);
    return Decision.policyError();
  }
}
