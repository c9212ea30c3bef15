package dev.aegis.guard.manifest;

import java.util.Set;

/**
 * The built-in lists of exec, network and file-write tools, matched exactly (never by prefix,
 * except the two {@code .*} families {@code mcp.https.*} and {@code net.*}). A superset of the Rego
 * bundle's lists in {@code policies/aegis/} (exec.rego, egress.rego, fs.rego): the manifest uses
 * them only to decide whether a sandbox is required, where erring wide is safe.
 */
final class ToolKinds {
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
}
