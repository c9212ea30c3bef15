# Operator rules without editing this bundle: a module `package aegis.custom` may define
#   deny contains {"reason": CODE, ...} if { ... }    (a set of objects)
#   require_approval contains ... if { ... }          (a set of anything)
# Built-in denies win; then the custom deny whose reason sorts first; then approvals. A custom
# rule can only tighten the decision, never allow what a built-in rule denies.
package aegis.decide

custom_deny_reasons contains custom_reason(entry) if {
	some entry in data.aegis.custom.deny
}

# The entry's reason when it is a non-empty string, else CUSTOM_DENY.
custom_reason(entry) := entry.reason if {
	is_string(entry.reason)
	entry.reason != ""
} else := "CUSTOM_DENY"

custom_deny_reason := sort(custom_deny_reasons)[0]

custom_approval if {
	some _ in data.aegis.custom.require_approval
}
