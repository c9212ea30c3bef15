package aegis.decide_test

fs_perms := {
	"tools": [
		"read_file", "read_multiple_files", "list_allowed_directories", "write_file", "move_file",
		"edit_file", "create_directory", "save_note", "load_note", "both_note", "fs.read", "directory_tree",
	],
	"fs": {
		"read_roots": ["/data/", "/srv/docs", "relative", "/bad/../etc"],
		"write_roots": ["/work"],
		"tools": ["save_note", "both_note"],
		"read_tools": ["load_note", "both_note"],
	},
}

fs(tool, args) := reason(fs_perms, tool, args)

test_read_under_read_root_allows if fs("read_file", {"path": "/data/a/b.txt"}) == "OK"

test_read_of_root_itself_allows if {
	fs("read_file", {"path": "/data"}) == "OK"
	fs("read_file", {"path": "/data/"}) == "OK"
	fs("read_file", {"path": "/srv/docs"}) == "OK"
}

test_prefix_that_is_not_a_child_denies if {
	fs("read_file", {"path": "/database/x"}) == "FS_DENY"
	fs("read_file", {"path": "/srv/docsecret"}) == "FS_DENY"
}

test_outside_roots_denies if fs("read_file", {"path": "/etc/passwd"}) == "FS_DENY"

test_relative_path_denies if {
	fs("read_file", {"path": "data/a"}) == "FS_DENY"
	fs("read_file", {"path": "../../etc/passwd"}) == "FS_DENY"
	fs("read_file", {"path": ""}) == "FS_DENY"
	fs("read_file", {"path": "~/x"}) == "FS_DENY"
}

test_dot_dot_segment_denies if {
	fs("read_file", {"path": "/data/../etc/passwd"}) == "FS_DENY"
	fs("read_file", {"path": "/data/a/.."}) == "FS_DENY"
}

test_dots_in_names_allow if {
	fs("read_file", {"path": "/data/a..b"}) == "OK"
	fs("read_file", {"path": "/data/..."}) == "OK"
	fs("read_file", {"path": "/data/./a"}) == "OK"
}

test_nul_denies if fs("read_file", {"path": "/data/a\u0000/../../etc"}) == "FS_DENY"

test_unclean_roots_admit_nothing if {
	fs("read_file", {"path": "relative/x"}) == "FS_DENY"
	fs("read_file", {"path": "/bad/../etc/x"}) == "FS_DENY"
	fs("read_file", {"path": "/etc/x"}) == "FS_DENY"
}

test_slash_root_admits_every_clean_path if {
	perms := {"tools": ["read_file"], "fs": {"read_roots": ["//"]}}
	reason(perms, "read_file", {"path": "/etc/passwd"}) == "OK"
	reason(perms, "read_file", {"path": "/"}) == "OK"
	reason(perms, "read_file", {"path": "/etc/../x"}) == "FS_DENY"
	reason(perms, "read_file", {"path": "etc"}) == "FS_DENY"
}

test_read_under_write_root_allows if fs("read_file", {"path": "/work/out.txt"}) == "OK"

test_write_needs_write_root if {
	fs("write_file", {"path": "/work/out.txt", "content": "x"}) == "OK"
	fs("write_file", {"path": "/data/a.txt", "content": "x"}) == "FS_DENY"
	fs("edit_file", {"path": "/data/a.txt"}) == "FS_DENY"
	fs("create_directory", {"path": "/work/new"}) == "OK"
}

test_move_checks_source_and_destination if {
	fs("move_file", {"source": "/work/a", "destination": "/work/b"}) == "OK"
	fs("move_file", {"source": "/work/a", "destination": "/tmp/b"}) == "FS_DENY"
	fs("move_file", {"source": "/data/a", "destination": "/work/b"}) == "FS_DENY"
}

test_every_path_of_a_list_is_checked if {
	fs("read_multiple_files", {"paths": ["/data/a", "/work/b"]}) == "OK"
	fs("read_multiple_files", {"paths": ["/data/a", "/etc/shadow"]}) == "FS_DENY"
	fs("read_multiple_files", {"paths": []}) == "OK"
}

test_mistyped_path_arguments_deny if {
	fs("read_file", {"path": ["/data/a"]}) == "FS_DENY"
	fs("read_multiple_files", {"paths": "/data/a"}) == "FS_DENY"
	fs("read_multiple_files", {"paths": ["/data/a", 1]}) == "FS_DENY"
	fs("move_file", {"source": {}, "destination": "/work/b"}) == "FS_DENY"
}

test_no_path_argument_passes if {
	fs("list_allowed_directories", {}) == "OK"
	fs("read_file", {}) == "OK"
}

test_path_argument_with_no_roots_denies if {
	reason({"tools": ["read_file"]}, "read_file", {"path": "/data/a"}) == "FS_DENY"
	reason({"tools": ["fs.read"], "fs": {}}, "fs.read", {"path": "/data/a"}) == "FS_DENY"
}

test_declared_write_tool_needs_write_root if {
	fs("save_note", {"path": "/work/n.txt"}) == "OK"
	fs("save_note", {"path": "/data/n.txt"}) == "FS_DENY"
}

test_declared_read_tool_uses_read_roots if {
	fs("load_note", {"path": "/data/n.txt"}) == "OK"
	fs("load_note", {"path": "/etc/n.txt"}) == "FS_DENY"
}

test_tool_declared_both_ways_is_a_writer if fs("both_note", {"path": "/data/n.txt"}) == "FS_DENY"

test_builtin_fs_read_alias if fs("fs.read", {"path": "/data/x"}) == "OK"

test_unrecognised_tool_paths_are_not_checked if reason({"tools": ["read_file2"]}, "read_file2", {"path": "/etc/passwd"}) == "OK"
