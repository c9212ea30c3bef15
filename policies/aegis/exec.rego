# Rule 6, EXEC_DENY: an exec tool may run only the binaries in permissions.exec.allowed_bins,
# with arguments matching permissions.exec.arg_patterns when any are given. Exec tools are
# named exactly (declared or built in); never matched by prefix.
package aegis.decide

builtin_exec_tool("exec")

builtin_exec_tool("exec.shell")

builtin_exec_tool("shell")

builtin_exec_tool("bash")

builtin_exec_tool("run_command")

builtin_exec_tool("execute_command")

builtin_exec_tool("run_shell_command")

exec_tool if builtin_exec_tool(tool_name)

exec_tool if tool_name in exec_tools

exec_ok if not exec_tool

exec_ok if {
	exec_tool
	every name in exec_fields_present {
		exec_field_valid(name, arguments[name])
	}
	count(exec_binaries) > 0
	every binary in exec_binaries {
		binary in allowed_bins
	}
	every argument in exec_arguments {
		argument_allowed(argument)
	}
}

# Every field that can name what runs is checked, so a tool reading a field other than the one
# checked cannot run something else: bin, command, cmd (a string or an argv array), argv, args.
exec_fields_present contains name if {
	some name in ["bin", "command", "cmd", "argv", "args"]
	arguments[name] != null
}

exec_field_valid("bin", value) if is_string(value)

exec_field_valid("args", value) if all_strings(value)

exec_field_valid(name, value) if {
	name in {"command", "cmd"}
	is_string(value)
	not has_shell_metacharacter(value)
}

exec_field_valid(name, value) if {
	name in {"command", "cmd", "argv"}
	count(value) > 0
	all_strings(value)
}

# A command string containing any of these could run a second program through a shell.
has_shell_metacharacter(value) if {
	some char in [";", "&", "|", "$", "<", ">", "(", ")", "`", "\\", "\n", "\r", "\u0000"]
	contains(value, char)
}

all_strings(value) if {
	is_array(value)
	every item in value {
		is_string(item)
	}
}

# The argv each field describes: a command string split on whitespace, or the array itself.
exec_argv(name) := [token | some token in split(replace(replace(arguments[name], "\t", " "), "\f", " "), " "); token != ""] if {
	name in {"command", "cmd"}
	is_string(arguments[name])
}

exec_argv(name) := arguments[name] if {
	name in {"command", "cmd", "argv"}
	is_array(arguments[name])
}

exec_binaries contains arguments.bin if is_string(arguments.bin)

exec_binaries contains exec_argv(name)[0] if some name in exec_fields_present

exec_arguments contains argument if {
	some name in exec_fields_present
	some i, argument in exec_argv(name)
	i > 0
}

exec_arguments contains argument if {
	some argument in arguments.args
}

# With no patterns any argument passes; otherwise it must fully match one pattern. An invalid
# pattern matches nothing: regex.match fails on it, which is undefined in both the interpreter
# and the Wasm build (no regex.is_valid guard: it would compile every pattern twice).
argument_allowed(_) if count(arg_patterns) == 0

argument_allowed(argument) if {
	some pattern in arg_patterns
	anchored := concat("", ["^(?:", pattern, ")$"])
	regex.match(anchored, argument)
}
