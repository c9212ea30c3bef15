# Typed views of the input, and the well-formedness check of rule 1. A field the rules read
# must be absent, null, or of its documented type; anything else makes the input malformed
# and every proposal is denied PERMISSION_UNDECLARED.
package aegis.decide

payload := input.event.payload

tool_name := payload.tool_name

# The tool's arguments; absent or null means {}.
arguments := object.get(payload, "args", {}) if {
	is_object(object.get(payload, "args", {}))
} else := {} if {
	payload.args == null
}

# The tool's annotations (sent only for a trusted upstream); absent or null means {}.
annotations := object.get(payload, "annotations", {}) if {
	is_object(object.get(payload, "annotations", {}))
} else := {} if {
	payload.annotations == null
}

manifest := input.manifest

permissions := manifest.permissions

# The snapshot; absent or null means {} (every counter 0, no loop, untainted).
snapshot := s if {
	s := object.get(input, "snapshot", null)
	is_object(s)
} else := {} if {
	object.get(input, "snapshot", null) == null
}

# A section of permissions (fs, net, exec, budgets); absent or null means {}.
section(name) := s if {
	s := object.get(permissions, name, null)
	is_object(s)
} else := {} if {
	object.get(permissions, name, null) == null
}

budgets := section("budgets")

fs_permissions := section("fs")

net_permissions := section("net")

exec_permissions := section("exec")

# A list of strings; absent or null means []. Undefined when the value has another type.
str_list(obj, name) := [] if {
	object.get(obj, name, null) == null
} else := value if {
	value := obj[name]
	is_array(value)
	every item in value {
		is_string(item)
	}
}

optional(obj, name, _) if object.get(obj, name, null) == null

optional(obj, name, type) if type_name(object.get(obj, name, null)) == type

well_formed if {
	event_well_formed
	manifest_well_formed
	snapshot_well_formed
}

event_well_formed if {
	is_object(input.event)
	is_object(payload)
	is_string(tool_name)
	is_object(arguments)
	optional(payload, "sanitizer_key", "string")
	optional(payload, "definition_changed", "boolean")
	is_object(annotations)
	optional(annotations, "destructiveHint", "boolean")
}

manifest_well_formed if {
	is_object(manifest)
	is_object(permissions)
	declared_tools
	approval_tools
	high_risk_tools
	net_tools
	net_domains
	exec_tools
	allowed_bins
	arg_patterns
	fs_write_tools
	fs_read_tools
	read_roots
	write_roots
	is_object(budgets)
	every name in ["max_steps", "max_tool_calls", "max_wall_time_ms", "max_output_bytes", "timeout_ms"] {
		optional(budgets, name, "number")
	}
}

# The manifest's lists; each is undefined when malformed, which fails manifest_well_formed.
declared_tools := str_list(permissions, "tools")

approval_tools := str_list(permissions, "approval_required")

high_risk_tools := str_list(permissions, "high_risk")

net_tools := str_list(net_permissions, "tools")

net_domains := str_list(net_permissions, "domains")

exec_tools := str_list(exec_permissions, "tools")

allowed_bins := str_list(exec_permissions, "allowed_bins")

arg_patterns := str_list(exec_permissions, "arg_patterns")

fs_write_tools := str_list(fs_permissions, "tools")

fs_read_tools := str_list(fs_permissions, "read_tools")

read_roots := str_list(fs_permissions, "read_roots")

write_roots := str_list(fs_permissions, "write_roots")

sanitized_keys := str_list(snapshot, "sanitized_keys")

snapshot_well_formed if {
	is_object(snapshot)
	every name in ["steps_consumed", "tool_calls_consumed", "wall_time_ms"] {
		optional(snapshot, name, "number")
	}
	optional(snapshot, "loop_violation", "string")
	optional(snapshot, "is_tainted", "boolean")
	sanitized_keys
}
