package dev.aegis.cli.ctl;

import java.util.Set;

/**
 * What kind of effect a tool has, judged by its exact name against the built-in lists: exec,
 * network and file-write names as the manifest loader's {@code ToolKinds} (package-private in the
 * guard, so mirrored here; a test keeps the copies equal), file-read names as {@code
 * builtin_fs_read_tool} in policies/aegis/fs.rego. Stateless.
 */
final class ManifestInitKinds {
  /** A tool's kind; the order is the loader's (exec before network before file write). */
  enum Kind {
    EXEC,
    NET,
    FS_WRITE,
    FS_READ,
    OTHER
  }

  static final Set<String> EXEC =
      Set.of(
          "exec",
          "exec.shell",
          "shell",
          "bash",
          "run_command",
          "execute_command",
          "run_shell_command");

  static final Set<String> NET =
      Set.of(
          "mcp.http",
          "mcp.http.get",
          "mcp.http.post",
          "mcp.http.put",
          "mcp.http.patch",
          "mcp.http.delete",
          "mcp.https",
          "fetch",
          "http_request",
          "http_get",
          "http_post",
          "web_fetch");

  /** Families: every longer name with one of these prefixes is a network tool. */
  static final Set<String> NET_PREFIXES = Set.of("mcp.https.", "net.");

  static final Set<String> FS_WRITE =
      Set.of("write_file", "edit_file", "create_directory", "move_file", "fs.write");

  static final Set<String> FS_READ =
      Set.of(
          "read_file",
          "read_text_file",
          "read_media_file",
          "read_multiple_files",
          "list_directory",
          "list_directory_with_sizes",
          "directory_tree",
          "search_files",
          "get_file_info",
          "list_allowed_directories",
          "fs.read");

  private ManifestInitKinds() {}

  /** The kind of the tool of that exact name. */
  static Kind of(String tool) {
    if (EXEC.contains(tool)) {
      return Kind.EXEC;
    }
    if (NET.contains(tool)) {
      return Kind.NET;
    }
    for (String prefix : NET_PREFIXES) {
      if (tool.startsWith(prefix) && tool.length() > prefix.length()) {
        return Kind.NET;
      }
    }
    if (FS_WRITE.contains(tool)) {
      return Kind.FS_WRITE;
    }
    return FS_READ.contains(tool) ? Kind.FS_READ : Kind.OTHER;
  }
}
