# An example operator module: it adds rules without editing policies/aegis. Load it beside the
# bundle (opa build / opa eval / opa test with both directories). Rules here can only tighten:
# a built-in deny always wins, and nothing here can allow what the bundle denies.
package aegis.custom

# Destructive SQL through the database tool is never allowed.
deny contains {"reason": "DESTRUCTIVE_SQL", "statement": sql} if {
	input.event.payload.tool_name == "sql.execute"
	sql := input.event.payload.args.sql
	regex.match(`(?i)\b(drop|truncate)\b`, sql)
}

# So is a DELETE without a WHERE clause.
deny contains {"reason": "DESTRUCTIVE_SQL", "statement": sql} if {
	input.event.payload.tool_name == "sql.execute"
	sql := input.event.payload.args.sql
	regex.match(`(?i)^\s*delete\b`, sql)
	not regex.match(`(?i)\bwhere\b`, sql)
}

# No payments to a sanctioned account prefix.
deny contains {"reason": "SANCTIONED_ACCOUNT"} if {
	input.event.payload.tool_name == "payments.transfer"
	startswith(input.event.payload.args.to, "XX")
}

# Transfers above 100 need a human, whatever the manifest says.
require_approval contains "large transfer" if {
	input.event.payload.tool_name == "payments.transfer"
	input.event.payload.args.amount > 100
}
