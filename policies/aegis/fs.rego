# Rule 6b, FS_DENY: a file tool may touch only paths under the manifest's roots. Write tools
# (permissions.fs.tools and the built-in writers) need write_roots; read tools
# (permissions.fs.read_tools and the built-in readers) accept read_roots or write_roots.
package aegis.decide

# The tool names of @modelcontextprotocol/server-filesystem, plus the seed's fs.read/fs.write.
builtin_fs_read_tool("read_file")

builtin_fs_read_tool("read_text_file")

builtin_fs_read_tool("read_media_file")

builtin_fs_read_tool("read_multiple_files")

builtin_fs_read_tool("list_directory")

builtin_fs_read_tool("list_directory_with_sizes")

builtin_fs_read_tool("directory_tree")

builtin_fs_read_tool("search_files")

builtin_fs_read_tool("get_file_info")

builtin_fs_read_tool("list_allowed_directories")

builtin_fs_read_tool("fs.read")

builtin_fs_write_tool("write_file")

builtin_fs_write_tool("edit_file")

builtin_fs_write_tool("create_directory")

builtin_fs_write_tool("move_file")

builtin_fs_write_tool("fs.write")

fs_write_tool if builtin_fs_write_tool(tool_name)

fs_write_tool if tool_name in fs_write_tools

fs_read_tool if {
	not fs_write_tool
	builtin_fs_read_tool(tool_name)
}

fs_read_tool if {
	not fs_write_tool
	tool_name in fs_read_tools
}

fs_ok if {
	not fs_write_tool
	not fs_read_tool
}

fs_ok if {
	fs_write_tool
	fs_paths_allowed(write_roots)
}

fs_ok if {
	fs_read_tool
	fs_paths_allowed(array.concat(read_roots, write_roots))
}

# Every path argument is well typed and lies under one of the roots. A call with no path
# argument passes: there is nothing to check.
fs_paths_allowed(roots) if {
	every name in ["path", "source", "destination"] {
		optional(arguments, name, "string")
	}
	str_list(arguments, "paths")
	every path in fs_paths {
		clean_path(path)
		some root in roots
		under_root(path, root)
	}
}

fs_paths contains arguments[name] if {
	some name in ["path", "source", "destination"]
	is_string(arguments[name])
}

fs_paths contains path if {
	some path in str_list(arguments, "paths")
}

# Absolute, no ".." segment, no NUL.
clean_path(path) if {
	startswith(path, "/")
	not contains(path, "\u0000")
	not ".." in split(path, "/")
}

# The root itself or anything below root + "/"; trailing slashes of the root are ignored, so
# "/" (or "//") admits every clean path. A root that is not clean admits nothing.
under_root(path, root) if {
	clean_path(root)
	within(path, trim_right(root, "/"))
}

within(_, "")

within(path, base) if path == base

within(path, base) if startswith(path, concat("", [base, "/"]))
