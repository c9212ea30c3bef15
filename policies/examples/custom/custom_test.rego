package aegis.custom_test

import data.aegis.decide

perms := {"tools": ["sql.execute", "payments.transfer", "read_file"], "approval_required": ["read_file"]}

decide_call(tool, args, snapshot) := result if {
	doc := {
		"event": {"event_type": "TOOL_CALL_PROPOSED", "payload": {"tool_name": tool, "call_id": "c1", "args": args}},
		"snapshot": snapshot,
		"manifest": {"schema": "aegis.dev/manifest/v0.1", "permissions": perms},
	}
	result := decide.decision with input as doc
}

test_custom_deny if {
	decide_call("sql.execute", {"sql": "DROP TABLE users"}, {}) == {"outcome": "deny", "reason": "DESTRUCTIVE_SQL", "constraints": {}}
	decide_call("sql.execute", {"sql": "delete from users"}, {}).reason == "DESTRUCTIVE_SQL"
}

test_custom_rules_leave_other_calls_alone if {
	decide_call("sql.execute", {"sql": "select * from users"}, {}).reason == "OK"
	decide_call("sql.execute", {"sql": "delete from users where id = 1"}, {}).reason == "OK"
	decide_call("payments.transfer", {"amount": 50}, {}).reason == "OK"
}

test_builtin_deny_wins_over_custom_deny if {
	decide_call("sql.execute", {"sql": "DROP TABLE users"}, {"tool_calls_consumed": 12}).reason == "BUDGET_EXCEEDED"
}

test_custom_approval if {
	decide_call("payments.transfer", {"amount": 500}, {}) == {"outcome": "require_approval", "reason": "APPROVAL_REQUIRED", "constraints": {}}
}

test_builtin_approval_still_applies if decide_call("read_file", {}, {}).outcome == "require_approval"

test_custom_deny_wins_over_approval if {
	decide_call("payments.transfer", {"amount": 500, "to": "XX-1"}, {}).reason == "SANCTIONED_ACCOUNT"
}
