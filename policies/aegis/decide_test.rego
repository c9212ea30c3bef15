package aegis.decide_test

import data.aegis.decide

# Helpers shared by every *_test.rego in this package.

proposal(tool, args) := {
	"event_type": "TOOL_CALL_PROPOSED", "seq": 3, "tenant_id": "acme", "session_id": "s1",
	"payload": {"tool_name": tool, "call_id": "c1", "args": args},
}

manifest_with(permissions) := {
	"schema": "aegis.dev/manifest/v0.1", "name": "test-skill", "version": "1.0.0",
	"publisher": "acme", "permissions": permissions,
}

# The decision for tool(args) under permissions, with an empty snapshot.
decide_call(permissions, tool, args) := decide_full(permissions, proposal(tool, args), {})

# The decision for a whole event and snapshot under permissions.
decide_full(permissions, event, snapshot) := result if {
	doc := {"event": event, "snapshot": snapshot, "manifest": manifest_with(permissions)}
	result := decide.decision with input as doc
}

reason(permissions, tool, args) := decide_call(permissions, tool, args).reason

reason_snap(permissions, tool, snapshot) := decide_full(permissions, proposal(tool, {}), snapshot).reason

reason_payload(permissions, payload) := decide_full(permissions, {"event_type": "TOOL_CALL_PROPOSED", "payload": payload}, {}).reason

reason_input(doc) := result if {
	result := decide.decision.reason with input as doc
}

read_only := {"tools": ["read_file"]}

allow_ok := {"outcome": "allow", "reason": "OK", "constraints": {"max_output_bytes": 1048576, "timeout_ms": 30000}}

# Events other than proposals.

test_other_event_type_allows_without_constraints if {
	decide.decision == {"outcome": "allow", "reason": "OK", "constraints": {}} with input as {"event": {"event_type": "TOOL_RESULT"}}
}

test_other_event_type_ignores_a_missing_manifest if {
	decide.decision.outcome == "allow" with input as {"event": {"event_type": "MCP_FRAME", "payload": 7}}
}

test_event_type_is_case_sensitive if {
	decide.decision.outcome == "allow" with input as {"event": {"event_type": "tool_call_proposed"}}
}

test_missing_event_type_denies if reason_input({"event": {"payload": {"tool_name": "read_file"}}}) == "PERMISSION_UNDECLARED"

test_non_string_event_type_denies if reason_input({"event": {"event_type": 1}}) == "PERMISSION_UNDECLARED"

test_non_object_input_denies if reason_input("TOOL_CALL_PROPOSED") == "PERMISSION_UNDECLARED"

test_empty_input_denies if reason_input({}) == "PERMISSION_UNDECLARED"

# Rule 1: PERMISSION_UNDECLARED, including malformed input.

test_declared_tool_allows if decide_call(read_only, "read_file", {}) == allow_ok

test_undeclared_tool_denies if reason(read_only, "write_file", {}) == "PERMISSION_UNDECLARED"

test_declaration_is_case_sensitive if reason(read_only, "Read_File", {}) == "PERMISSION_UNDECLARED"

test_declaration_is_not_a_prefix if {
	reason({"tools": ["mcp.https"], "net": {"domains": ["a.com"]}}, "mcp.https.post", {"domain": "a.com"}) == "PERMISSION_UNDECLARED"
}

test_missing_manifest_denies if {
	reason_input({"event": proposal("read_file", {}), "snapshot": {}}) == "PERMISSION_UNDECLARED"
}

test_null_manifest_denies if {
	reason_input({"event": proposal("read_file", {}), "manifest": null}) == "PERMISSION_UNDECLARED"
}

test_manifest_without_permissions_denies if {
	reason_input({"event": proposal("read_file", {}), "manifest": {"name": "x"}}) == "PERMISSION_UNDECLARED"
}

test_null_tools_denies if reason({"tools": null}, "read_file", {}) == "PERMISSION_UNDECLARED"

test_tools_as_string_denies if reason({"tools": "read_file"}, "read_file", {}) == "PERMISSION_UNDECLARED"

test_tools_with_non_string_denies if reason({"tools": ["read_file", 7]}, "read_file", {}) == "PERMISSION_UNDECLARED"

test_non_string_tool_name_denies if reason({"tools": ["1"]}, 1, {}) == "PERMISSION_UNDECLARED"

test_missing_payload_denies if {
	decide_full(read_only, {"event_type": "TOOL_CALL_PROPOSED"}, {}).reason == "PERMISSION_UNDECLARED"
}

test_args_as_string_denies if reason(read_only, "read_file", "path=/etc") == "PERMISSION_UNDECLARED"

test_null_args_mean_empty if decide_call(read_only, "read_file", null) == allow_ok

test_missing_args_mean_empty if reason_payload(read_only, {"tool_name": "read_file"}) == "OK"

test_garbage_budget_denies if {
	reason({"tools": ["read_file"], "budgets": {"max_steps": "100"}}, "read_file", {}) == "PERMISSION_UNDECLARED"
}

test_garbage_section_denies if reason({"tools": ["read_file"], "net": ["a.com"]}, "read_file", {}) == "PERMISSION_UNDECLARED"

test_garbage_section_list_denies if {
	reason({"tools": ["read_file"], "exec": {"allowed_bins": "ls"}}, "read_file", {}) == "PERMISSION_UNDECLARED"
}

test_null_sections_are_empty if {
	decide_call({"tools": ["read_file"], "fs": null, "net": null, "exec": {"tools": null}, "budgets": null}, "read_file", {}) == allow_ok
}

test_garbage_snapshot_counter_denies if reason_snap(read_only, "read_file", {"steps_consumed": "3"}) == "PERMISSION_UNDECLARED"

test_garbage_snapshot_denies if reason_snap(read_only, "read_file", "clean") == "PERMISSION_UNDECLARED"

test_garbage_taint_flag_denies if reason_snap(read_only, "read_file", {"is_tainted": "no"}) == "PERMISSION_UNDECLARED"

test_garbage_loop_violation_denies if reason_snap(read_only, "read_file", {"loop_violation": true}) == "PERMISSION_UNDECLARED"

test_garbage_sanitized_keys_denies if reason_snap(read_only, "read_file", {"sanitized_keys": "k"}) == "PERMISSION_UNDECLARED"

test_null_snapshot_is_empty if decide_full(read_only, proposal("read_file", {}), null) == allow_ok

test_missing_snapshot_is_empty if {
	decide.decision == allow_ok with input as {"event": proposal("read_file", {}), "manifest": manifest_with(read_only)}
}

test_garbage_sanitizer_key_denies if {
	reason_payload(read_only, {"tool_name": "read_file", "sanitizer_key": 5}) == "PERMISSION_UNDECLARED"
}

test_garbage_annotations_deny if {
	reason_payload(read_only, {"tool_name": "read_file", "annotations": "destructive"}) == "PERMISSION_UNDECLARED"
}

test_garbage_destructive_hint_denies if {
	reason_payload(read_only, {"tool_name": "read_file", "annotations": {"destructiveHint": "yes"}}) == "PERMISSION_UNDECLARED"
}

test_garbage_definition_changed_denies if {
	reason_payload(read_only, {"tool_name": "read_file", "definition_changed": "false"}) == "PERMISSION_UNDECLARED"
}

# Rule 1b: TOOL_DEFINITION_CHANGED.

test_changed_definition_denies if {
	reason_payload(read_only, {"tool_name": "read_file", "definition_changed": true}) == "TOOL_DEFINITION_CHANGED"
}

test_unchanged_definition_allows if {
	reason_payload(read_only, {"tool_name": "read_file", "definition_changed": false}) == "OK"
	reason_payload(read_only, {"tool_name": "read_file", "definition_changed": null}) == "OK"
}

test_undeclared_wins_over_changed_definition if {
	reason_payload(read_only, {"tool_name": "write_file", "definition_changed": true}) == "PERMISSION_UNDECLARED"
}

test_changed_definition_wins_over_egress if {
	reason_payload({"tools": ["fetch"]}, {"tool_name": "fetch", "args": {"url": "https://evil.com"}, "definition_changed": true}) == "TOOL_DEFINITION_CHANGED"
}

# Rule 3: BUDGET_EXCEEDED. Reaching a limit denies.

test_steps_below_default_limit_allow if reason_snap(read_only, "read_file", {"steps_consumed": 23}) == "OK"

test_steps_at_default_limit_deny if reason_snap(read_only, "read_file", {"steps_consumed": 24}) == "BUDGET_EXCEEDED"

test_tool_calls_below_default_limit_allow if reason_snap(read_only, "read_file", {"tool_calls_consumed": 11}) == "OK"

test_tool_calls_at_default_limit_deny if reason_snap(read_only, "read_file", {"tool_calls_consumed": 12}) == "BUDGET_EXCEEDED"

test_wall_time_below_default_limit_allows if reason_snap(read_only, "read_file", {"wall_time_ms": 119999}) == "OK"

test_wall_time_at_default_limit_denies if reason_snap(read_only, "read_file", {"wall_time_ms": 120000}) == "BUDGET_EXCEEDED"

budgeted := {"tools": ["read_file"], "budgets": {"max_steps": 5, "max_tool_calls": 3, "max_wall_time_ms": 1000}}

test_explicit_limits_apply if {
	reason_snap(budgeted, "read_file", {"steps_consumed": 4, "tool_calls_consumed": 2, "wall_time_ms": 999}) == "OK"
	reason_snap(budgeted, "read_file", {"steps_consumed": 5}) == "BUDGET_EXCEEDED"
	reason_snap(budgeted, "read_file", {"tool_calls_consumed": 3}) == "BUDGET_EXCEEDED"
	reason_snap(budgeted, "read_file", {"wall_time_ms": 1000}) == "BUDGET_EXCEEDED"
}

test_explicit_limits_above_defaults_apply if {
	reason_snap({"tools": ["read_file"], "budgets": {"max_steps": 100}}, "read_file", {"steps_consumed": 50}) == "OK"
}

test_zero_limit_always_denies if {
	reason_snap({"tools": ["read_file"], "budgets": {"max_steps": 0}}, "read_file", {}) == "BUDGET_EXCEEDED"
	reason_snap({"tools": ["read_file"], "budgets": {"max_tool_calls": 0}}, "read_file", {}) == "BUDGET_EXCEEDED"
	reason_snap({"tools": ["read_file"], "budgets": {"max_wall_time_ms": 0}}, "read_file", {}) == "BUDGET_EXCEEDED"
}

test_null_limit_uses_default if {
	reason_snap({"tools": ["read_file"], "budgets": {"max_steps": null}}, "read_file", {"steps_consumed": 23}) == "OK"
	reason_snap({"tools": ["read_file"], "budgets": {"max_steps": null}}, "read_file", {"steps_consumed": 24}) == "BUDGET_EXCEEDED"
}

test_null_counter_counts_zero if reason_snap(budgeted, "read_file", {"steps_consumed": null}) == "OK"

test_budget_wins_over_loop if {
	reason_snap(read_only, "read_file", {"steps_consumed": 24, "loop_violation": "LOOP_IDENTICAL_CALL"}) == "BUDGET_EXCEEDED"
}

# Rule 4: LOOP_DETECTED.

test_loop_violation_denies if reason_snap(read_only, "read_file", {"loop_violation": "LOOP_IDENTICAL_CALL"}) == "LOOP_DETECTED"

test_empty_or_null_loop_violation_allows if {
	reason_snap(read_only, "read_file", {"loop_violation": ""}) == "OK"
	reason_snap(read_only, "read_file", {"loop_violation": null}) == "OK"
}

test_loop_wins_over_taint if {
	reason_snap({"tools": ["exec"], "exec": {"allowed_bins": ["ls"]}}, "exec", {"loop_violation": "x", "is_tainted": true}) == "LOOP_DETECTED"
}

# Rule 7: APPROVAL_REQUIRED.

needs_approval := {"tools": ["read_file", "send_email"], "approval_required": ["send_email"]}

test_listed_tool_requires_approval if {
	decide_call(needs_approval, "send_email", {}) == {"outcome": "require_approval", "reason": "APPROVAL_REQUIRED", "constraints": {}}
}

test_unlisted_tool_needs_no_approval if reason(needs_approval, "read_file", {}) == "OK"

test_approval_list_is_exact if reason({"tools": ["send_email"], "approval_required": ["send"]}, "send_email", {}) == "OK"

test_approval_only_for_calls_otherwise_allowed if {
	reason_snap(needs_approval, "send_email", {"tool_calls_consumed": 12}) == "BUDGET_EXCEEDED"
}

test_approval_does_not_declare if reason({"tools": [], "approval_required": ["send_email"]}, "send_email", {}) == "PERMISSION_UNDECLARED"

# Rule 8: allow with constraints.

test_constraints_come_from_budgets if {
	decide_call({"tools": ["read_file"], "budgets": {"max_output_bytes": 2048, "timeout_ms": 500}}, "read_file", {}).constraints == {"max_output_bytes": 2048, "timeout_ms": 500}
}

test_constraints_default_when_null if {
	decide_call({"tools": ["read_file"], "budgets": {"max_output_bytes": null, "timeout_ms": null}}, "read_file", {}).constraints == allow_ok.constraints
}

test_constraints_keep_explicit_zero if {
	decide_call({"tools": ["read_file"], "budgets": {"max_output_bytes": 0, "timeout_ms": 0}}, "read_file", {}).constraints == {"max_output_bytes": 0, "timeout_ms": 0}
}

# Custom operator rules (data.aegis.custom), mocked here; ../examples/custom loads a real module.

test_custom_deny_denies if {
	reason(read_only, "read_file", {}) == "NO_FRIDAYS" with data.aegis.custom.deny as {{"reason": "NO_FRIDAYS"}}
}

test_custom_deny_first_reason_in_sort_order if {
	reason(read_only, "read_file", {}) == "A_RULE" with data.aegis.custom.deny as {{"reason": "B_RULE"}, {"reason": "A_RULE", "why": "x"}}
}

test_custom_deny_without_reason if {
	reason(read_only, "read_file", {}) == "CUSTOM_DENY" with data.aegis.custom.deny as {{"why": "no reason"}, "text"}
}

test_builtin_deny_wins_over_custom_deny if {
	reason(read_only, "write_file", {}) == "PERMISSION_UNDECLARED" with data.aegis.custom.deny as {{"reason": "A"}}
}

test_custom_deny_wins_over_approval if {
	reason(needs_approval, "send_email", {}) == "Z" with data.aegis.custom.deny as {{"reason": "Z"}}
}

test_custom_approval if {
	decide_call(read_only, "read_file", {}).outcome == "require_approval" with data.aegis.custom.require_approval as {"big read"}
}

test_empty_custom_sets_allow if {
	decide_call(read_only, "read_file", {}) == allow_ok with data.aegis.custom.deny as set()
		with data.aegis.custom.require_approval as set()
}
