package aegis.decide_test

taint_perms := {
	"tools": ["exec", "read_file", "write_file", "edit_file", "mcp.https.patch", "mcp.https.delete", "db.query", "executor", "run_job", "tool_x"],
	"exec": {"allowed_bins": ["ls"], "tools": ["run_job"]},
	"net": {"domains": ["api.example.com"]},
	"fs": {"write_roots": ["/work"]},
	"high_risk": ["db.query"],
}

tainted := {"is_tainted": true}

taint(tool, args, snapshot) := decide_full(taint_perms, proposal(tool, args), snapshot).reason

test_tainted_exec_denies if taint("exec", {"bin": "ls"}, tainted) == "TAINTED_TO_HIGH_RISK"

test_untainted_exec_allows if taint("exec", {"bin": "ls"}, {"is_tainted": false}) == "OK"

test_taint_wins_over_exec_deny if taint("exec", {"bin": "rm"}, tainted) == "TAINTED_TO_HIGH_RISK"

test_tainted_read_allows if taint("read_file", {"path": "/work/a"}, tainted) == "OK"

test_sanitised_call_passes if {
	d := decide_full(taint_perms, object.union(proposal("exec", {"bin": "ls"}), {"payload": {"sanitizer_key": "k1"}}), {"is_tainted": true, "sanitized_keys": ["k0", "k1"]})
	d.reason == "OK"
}

test_sanitised_call_still_meets_exec_rule if {
	d := decide_full(taint_perms, object.union(proposal("exec", {"bin": "rm"}), {"payload": {"sanitizer_key": "k1"}}), {"is_tainted": true, "sanitized_keys": ["k1"]})
	d.reason == "EXEC_DENY"
}

test_unknown_sanitizer_key_denies if {
	d := decide_full(taint_perms, object.union(proposal("exec", {"bin": "ls"}), {"payload": {"sanitizer_key": "k2"}}), {"is_tainted": true, "sanitized_keys": ["k1"]})
	d.reason == "TAINTED_TO_HIGH_RISK"
}

test_empty_sanitizer_key_never_sanitises if {
	d := decide_full(taint_perms, object.union(proposal("exec", {"bin": "ls"}), {"payload": {"sanitizer_key": ""}}), {"is_tainted": true, "sanitized_keys": [""]})
	d.reason == "TAINTED_TO_HIGH_RISK"
}

test_https_patch_and_delete_are_sinks if {
	taint("mcp.https.patch", {"domain": "api.example.com"}, tainted) == "TAINTED_TO_HIGH_RISK"
	taint("mcp.https.delete", {"domain": "api.example.com"}, tainted) == "TAINTED_TO_HIGH_RISK"
	taint("mcp.https.delete", {"domain": "api.example.com"}, {}) == "OK"
}

test_declared_high_risk_is_a_sink if taint("db.query", {}, tainted) == "TAINTED_TO_HIGH_RISK"

test_declared_exec_tool_is_a_sink if taint("run_job", {"bin": "ls"}, tainted) == "TAINTED_TO_HIGH_RISK"

test_file_writers_are_sinks if {
	taint("write_file", {"path": "/work/a"}, tainted) == "TAINTED_TO_HIGH_RISK"
	taint("edit_file", {"path": "/work/a"}, tainted) == "TAINTED_TO_HIGH_RISK"
}

test_executor_is_not_a_sink if taint("executor", {}, tainted) == "OK"

test_destructive_hint_makes_a_sink if {
	event := object.union(proposal("tool_x", {}), {"payload": {"annotations": {"destructiveHint": true}}})
	decide_full(taint_perms, event, tainted).reason == "TAINTED_TO_HIGH_RISK"
	decide_full(taint_perms, event, {}).reason == "OK"
}

test_non_destructive_hint_is_no_sink if {
	event := object.union(proposal("tool_x", {}), {"payload": {"annotations": {"destructiveHint": false, "readOnlyHint": true}}})
	decide_full(taint_perms, event, tainted).reason == "OK"
}

test_null_taint_is_clean if taint("exec", {"bin": "ls"}, {"is_tainted": null}) == "OK"

test_null_or_empty_annotations_are_no_sink if {
	decide_full(taint_perms, object.union(proposal("tool_x", {}), {"payload": {"annotations": null}}), tainted).reason == "OK"
	decide_full(taint_perms, object.union(proposal("tool_x", {}), {"payload": {"annotations": {"openWorldHint": true}}}), tainted).reason == "OK"
}
