package dev.aegis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;

/** The decision input every policy measurement uses. */
final class PolicyInputs {
  private PolicyInputs() {}

  /**
   * A typical allowed proposal: a declared network tool with a URL argument, a manifest with a few
   * permissions, counters below their budgets. It goes through every rule (the well-formedness
   * checks, URL parsing, the domain match) before the allow, so it is the costliest common case;
   * the decision is {@code allow OK}.
   */
  static final String TYPICAL =
      """
      {"event": {"event_type": "TOOL_CALL_PROPOSED", "seq": 7, "tenant_id": "acme",
                 "session_id": "s1",
                 "payload": {"tool_name": "fetch", "call_id": "c7", "frame_seq": 6,
                             "args": {"url": "https://api.example.com/v1/items?q=1"}}},
       "snapshot": {"steps_consumed": 6, "tool_calls_consumed": 6, "wall_time_ms": 5120,
                    "loop_violation": "", "is_tainted": false, "sanitized_keys": []},
       "manifest": {"schema": "aegis.dev/manifest/v0.1", "name": "demo", "version": "1.0.0",
                    "publisher": "acme",
                    "permissions": {"tools": ["read_file", "fetch", "write_file"],
                                    "net": {"domains": ["api.example.com", "*.example.org"]},
                                    "fs": {"read_roots": ["/tmp"], "write_roots": ["/tmp/out"]},
                                    "approval_required": ["write_file"]}}}
      """;

  /** The decision {@link #TYPICAL} must get. */
  static final String EXPECTED_REASON = "OK";

  /** An event that is not a proposal: the policy allows it at its first line ({@code OK}). */
  static JsonNode nonProposal() {
    return Json.parseTrusted("{\"event\": {\"event_type\": \"SESSION_STARTED\"}}");
  }

  /** A fresh tree of {@link #TYPICAL}. */
  static JsonNode typical() {
    return Json.parseTrusted(TYPICAL);
  }
}
