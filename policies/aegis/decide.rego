# METADATA
# title: Aegis tool-call decision
# description: |
#   Decides every TOOL_CALL_PROPOSED event against the capability manifest, deny by default.
#   Input {event, snapshot, manifest}; output {outcome, reason, constraints}. The rules are
#   tried in order and the first that matches wins; docs/policy.md states each one exactly.
package aegis.decide

# The entrypoint. Always defined: any input the rules below cannot read is denied.
default decision := {"outcome": "deny", "reason": "PERMISSION_UNDECLARED", "constraints": {}}

decision := {"outcome": "allow", "reason": "OK", "constraints": {}} if {
	is_string(input.event.event_type)
	input.event.event_type != "TOOL_CALL_PROPOSED"
}

decision := proposal_decision if input.event.event_type == "TOOL_CALL_PROPOSED"

# Each condition below is written as "not <proof that the call is fine>", so that a value the
# proof cannot read (an error, a missing field) denies instead of allowing.
proposal_decision := deny_with("PERMISSION_UNDECLARED") if {
	not declared
} else := deny_with("TOOL_DEFINITION_CHANGED") if {
	not definition_unchanged
} else := deny_with("EGRESS_DENY") if {
	not egress_ok
} else := deny_with("BUDGET_EXCEEDED") if {
	not within_budget
} else := deny_with("LOOP_DETECTED") if {
	not loop_free
} else := deny_with("TAINTED_TO_HIGH_RISK") if {
	not taint_ok
} else := deny_with("EXEC_DENY") if {
	not exec_ok
} else := deny_with("FS_DENY") if {
	not fs_ok
} else := deny_with(reason) if {
	reason := custom_deny_reason
} else := {"outcome": "require_approval", "reason": "APPROVAL_REQUIRED", "constraints": {}} if {
	approval_required
} else := {"outcome": "allow", "reason": "OK", "constraints": allow_constraints}

deny_with(reason) := {"outcome": "deny", "reason": reason, "constraints": {}}

# Rule 1: the tool is named exactly in permissions.tools, and the whole input is well typed.
declared if {
	well_formed
	tool_name in declared_tools
}

# Rule 1b: the pinned definition of the tool has not changed.
definition_unchanged if not object.get(payload, "definition_changed", false)

definition_unchanged if payload.definition_changed == null

# Rule 3: every counter is strictly below its limit.
within_budget if {
	counter("steps_consumed") < budget("max_steps", 24)
	counter("tool_calls_consumed") < budget("max_tool_calls", 12)
	counter("wall_time_ms") < budget("max_wall_time_ms", 120000)
}

# Rule 4: the reducer has not recorded a loop violation.
loop_free if object.get(snapshot, "loop_violation", "") == ""

loop_free if snapshot.loop_violation == null

# Rule 7.
approval_required if tool_name in approval_tools

approval_required if custom_approval

# Rule 8.
allow_constraints := {
	"max_output_bytes": budget("max_output_bytes", 1048576),
	"timeout_ms": budget("timeout_ms", 30000),
}

budget(name, fallback) := value if {
	value := budgets[name]
	value != null
} else := fallback

counter(name) := value if {
	value := snapshot[name]
	is_number(value)
} else := 0
