package dev.aegis.guard.manifest;

import java.util.Set;

/**
 * The built-in lists of exec, network, file-write and file-read tools, matched exactly (never by
 * prefix, except the two {@code .*} families {@code mcp.https.*} and {@code net.*}). A superset of
 * the Rego bundle's lists in {@code policies/aegis/} (exec.rego, egress.rego, fs.rego): the
 * manifest uses them to decide whether a sandbox is required and {@code aegisctl manifest init} to
 * classify a server's tools, where erring wide is safe. Stateless.
 */
public final class ToolKinds {
  /** A tool's kind; checked in this order (exec before network before file write and read). */
  public enum Kind {
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

  /** Families: every name with one of these prefixes is a network tool. */
  static final Set<String> NET_PREFIXES = Set.of("mcp.https.", "net.");

  static final Set<String> FS_WRITE =
      Set.of("write_file", "edit_file", "create_directory", "move_file", "fs.write");

  /** As {@code builtin_fs_read_tool} in policies/aegis/fs.rego (a test keeps them equal). */
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

  private ToolKinds() {}

  static boolean isExec(String tool) {
    return EXEC.contains(tool);
  }

  static boolean isNet(String tool) {
    if (NET.contains(tool)) {
      return true;
    }
    for (String prefix : NET_PREFIXES) {
      if (tool.startsWith(prefix) && tool.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  static boolean isFsWrite(String tool) {
    return FS_WRITE.contains(tool);
  }

  /** The kind of the tool of that exact name. */
  public static Kind of(String tool) {
    if (isExec(tool)) {
      return Kind.EXEC;
    }
    if (isNet(tool)) {
      return Kind.NET;
    }
    if (isFsWrite(tool)) {
      return Kind.FS_WRITE;
    }
    return FS_READ.contains(tool) ? Kind.FS_READ : Kind.OTHER;
  }

  /** The built-in file-write tool names. */
  public static Set<String> fsWriteTools() {
    return FS_WRITE;
  }

  /** The built-in file-read tool names. */
  public static Set<String> fsReadTools() {
    return FS_READ;
  }
}
