# A small stand-in for the real decide bundle (policies/aegis), used to test the engine itself:
# three of the rules, enough to exercise every outcome and constraints.
package aegis.decide

default_constraints := {"max_output_bytes": 1048576, "timeout_ms": 30000}

tool := input.event.payload.tool_name

declared if tool in input.manifest.permissions.tools

max_tool_calls := object.get(input.manifest.permissions, ["budgets", "max_tool_calls"], 12)

default decision := {"outcome": "deny", "reason": "PERMISSION_UNDECLARED", "constraints": {}}

decision := {"outcome": "deny", "reason": "BUDGET_EXCEEDED", "constraints": {}} if {
	declared
	input.snapshot.tool_calls >= max_tool_calls
} else := {"outcome": "require_approval", "reason": "APPROVAL_REQUIRED", "constraints": {}} if {
	declared
	tool in object.get(input.manifest.permissions, "approval_required", [])
} else := {"outcome": "allow", "reason": "OK", "constraints": default_constraints} if {
	declared
}
