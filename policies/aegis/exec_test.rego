package aegis.decide_test

exec_perms := {
	"tools": ["exec", "bash", "shell", "run_command", "executor", "run_job"],
	"exec": {"allowed_bins": ["git", "ls"], "tools": ["run_job"]},
}

run(tool, args) := reason(exec_perms, tool, args)

patterned := {"tools": ["exec"], "exec": {"allowed_bins": ["git"], "arg_patterns": ["status|log", "--oneline", "-n[0-9]+"]}}

test_allowed_bin_allows if run("exec", {"bin": "git"}) == "OK"

test_unlisted_bin_denies if run("exec", {"bin": "/bin/bash"}) == "EXEC_DENY"

test_bin_must_match_exactly if {
	run("exec", {"bin": "/usr/bin/git"}) == "EXEC_DENY"
	run("exec", {"bin": "GIT"}) == "EXEC_DENY"
}

test_no_binary_denies if run("exec", {}) == "EXEC_DENY"

test_non_string_bin_denies if run("exec", {"bin": ["git"]}) == "EXEC_DENY"

test_empty_allow_list_denies if {
	reason({"tools": ["exec"]}, "exec", {"bin": "ls"}) == "EXEC_DENY"
	reason({"tools": ["exec"], "exec": {"allowed_bins": []}}, "exec", {"bin": "ls"}) == "EXEC_DENY"
}

test_command_first_token_is_the_binary if {
	run("exec", {"command": "git status --short"}) == "OK"
	run("exec", {"command": "  ls\t-la  "}) == "OK"
	run("exec", {"command": "rm -rf /"}) == "EXEC_DENY"
	run("exec", {"cmd": "ls -la"}) == "OK"
	run("exec", {"cmd": "cat /etc/passwd"}) == "EXEC_DENY"
}

test_empty_command_denies if {
	run("exec", {"command": ""}) == "EXEC_DENY"
	run("exec", {"command": "   "}) == "EXEC_DENY"
}

test_shell_metacharacters_deny if {
	every command in ["ls; rm -rf /", "ls && rm x", "ls | sh", "ls $(rm x)", "ls `rm x`", "ls > /etc/x", "ls\nrm x", "ls \\\nrm"] {
		run("exec", {"command": command}) == "EXEC_DENY"
	}
}

test_command_array_is_an_argv if {
	run("exec", {"command": ["git", "log"]}) == "OK"
	run("exec", {"command": ["rm", "-rf"]}) == "EXEC_DENY"
	run("exec", {"command": []}) == "EXEC_DENY"
	run("exec", {"command": ["git", 1]}) == "EXEC_DENY"
}

test_argv_first_element_is_the_binary if {
	run("exec", {"argv": ["ls", "-la"]}) == "OK"
	run("exec", {"argv": ["sh", "-c", "ls"]}) == "EXEC_DENY"
	run("exec", {"argv": []}) == "EXEC_DENY"
	run("exec", {"argv": "ls"}) == "EXEC_DENY"
}

test_every_binary_field_is_checked if {
	run("exec", {"bin": "git", "command": "rm -rf /"}) == "EXEC_DENY"
	run("exec", {"bin": "git", "argv": ["rm"]}) == "EXEC_DENY"
	run("exec", {"bin": "git", "command": "git status"}) == "OK"
}

test_args_must_be_strings if {
	run("exec", {"bin": "git", "args": ["status"]}) == "OK"
	run("exec", {"bin": "git", "args": "status"}) == "EXEC_DENY"
	run("exec", {"bin": "git", "args": [1]}) == "EXEC_DENY"
}

test_arg_patterns_must_fully_match if {
	reason(patterned, "exec", {"bin": "git", "args": ["status"]}) == "OK"
	reason(patterned, "exec", {"bin": "git", "args": ["log", "--oneline", "-n10"]}) == "OK"
	reason(patterned, "exec", {"bin": "git", "args": ["push"]}) == "EXEC_DENY"
	reason(patterned, "exec", {"bin": "git", "args": ["statusx"]}) == "EXEC_DENY"
	reason(patterned, "exec", {"bin": "git", "args": ["xlog"]}) == "EXEC_DENY"
	reason(patterned, "exec", {"bin": "git", "args": ["-n"]}) == "EXEC_DENY"
}

test_arg_patterns_apply_to_command_rest if {
	reason(patterned, "exec", {"command": "git log --oneline"}) == "OK"
	reason(patterned, "exec", {"command": "git push --force"}) == "EXEC_DENY"
	reason(patterned, "exec", {"argv": ["git", "status"]}) == "OK"
	reason(patterned, "exec", {"argv": ["git", "clean", "-fdx"]}) == "EXEC_DENY"
}

test_no_arguments_pass_patterns if reason(patterned, "exec", {"bin": "git"}) == "OK"

test_invalid_pattern_matches_nothing if {
	perms := {"tools": ["exec"], "exec": {"allowed_bins": ["git"], "arg_patterns": ["(status"]}}
	reason(perms, "exec", {"bin": "git", "args": ["(status"]}) == "EXEC_DENY"
	reason(perms, "exec", {"bin": "git"}) == "OK"
}

test_executor_is_not_an_exec_tool if run("executor", {"bin": "rm"}) == "OK"

test_builtin_exec_tools if {
	every tool in ["exec.shell", "shell", "bash", "run_command", "execute_command", "run_shell_command"] {
		reason({"tools": [tool], "exec": {"allowed_bins": ["ls"]}}, tool, {"command": "rm x"}) == "EXEC_DENY"
		reason({"tools": [tool], "exec": {"allowed_bins": ["ls"]}}, tool, {"command": "ls"}) == "OK"
	}
}

test_declared_exec_tool_is_checked if {
	run("run_job", {"bin": "rm"}) == "EXEC_DENY"
	run("run_job", {"bin": "ls"}) == "OK"
}
