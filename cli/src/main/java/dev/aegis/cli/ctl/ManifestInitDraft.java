package dev.aegis.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.guard.manifest.Manifest;
import dev.aegis.guard.manifest.ToolKinds;
import dev.aegis.guard.manifest.ToolKinds.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A least-privilege starting manifest drawn from a server's tools: every listed tool declared;
 * destructive ones under approval_required; open-world ones untrusted; file, network and exec tools
 * classified with empty roots, domains and binaries for the operator to fill in; a sandbox required
 * when that makes the manifest effectful. Budgets are left to their documented defaults. Immutable.
 */
final class ManifestInitDraft {
  /** One declared tool and where it went. */
  record Tool(String name, Kind kind, String approvalReason, boolean readOnly, boolean untrusted) {
    boolean approval() {
      return approvalReason != null;
    }
  }

  private final ObjectNode json;
  private final List<Tool> tools;

  private ManifestInitDraft(ObjectNode json, List<Tool> tools) {
    this.json = json;
    this.tools = List.copyOf(tools);
  }

  /** Drafts the manifest; tools that cannot be declared are left out with a note. */
  static ManifestInitDraft of(
      String name, String version, String publisher, List<JsonNode> listed, Consumer<String> note) {
    List<Tool> tools = new ArrayList<>(tools(listed, note).values());
    ObjectNode m = Json.object().put("schema", Manifest.SCHEMA);
    m.put("name", name).put("version", version).put("publisher", publisher);
    ObjectNode p = m.putObject("permissions");
    names(p.putArray("tools"), tools);
    List<Tool> write = only(tools, Kind.FS_WRITE);
    List<Tool> read = only(tools, Kind.FS_READ);
    if (!write.isEmpty() || !read.isEmpty()) {
      ObjectNode fs = p.putObject("fs");
      fs.putArray("read_roots");
      if (!write.isEmpty()) {
        fs.putArray("write_roots");
        names(fs.putArray("tools"), write);
      }
      if (!read.isEmpty()) {
        names(fs.putArray("read_tools"), read);
      }
    }
    List<Tool> net = only(tools, Kind.NET);
    if (!net.isEmpty()) {
      ObjectNode n = p.putObject("net");
      n.putArray("domains");
      names(n.putArray("tools"), net);
    }
    List<Tool> exec = only(tools, Kind.EXEC);
    if (!exec.isEmpty()) {
      ObjectNode e = p.putObject("exec");
      e.putArray("allowed_bins");
      names(e.putArray("tools"), exec);
    }
    List<Tool> approval = tools.stream().filter(Tool::approval).toList();
    if (!approval.isEmpty()) {
      names(p.putArray("approval_required"), approval);
    }
    List<Tool> untrusted = tools.stream().filter(Tool::untrusted).toList();
    if (!untrusted.isEmpty()) {
      names(p.putObject("taint").putArray("untrusted_tools"), untrusted);
    }
    if (!write.isEmpty() || !net.isEmpty() || !exec.isEmpty()) {
      m.putObject("sandbox").put("required", true);
    }
    return new ManifestInitDraft(m, tools);
  }

  /** The manifest JSON (a copy). */
  ObjectNode json() {
    return json.deepCopy();
  }

  /** The declared tools, in the server's order. */
  List<Tool> tools() {
    return tools;
  }

  /** True if a sandbox is required: file-write, network or exec tools are declared. */
  boolean sandboxRequired() {
    return json.path("sandbox").path("required").asBoolean(false);
  }

  /** The tools by name, in order: valid, unique names only. */
  private static Map<String, Tool> tools(List<JsonNode> listed, Consumer<String> note) {
    Map<String, Tool> tools = new LinkedHashMap<>();
    for (int i = 0; i < listed.size(); i++) {
      JsonNode t = listed.get(i);
      JsonNode n = t.path("name");
      if (!n.isTextual() || n.asText().isEmpty()) {
        note.accept("left out tools/list entry " + i + ": it has no name");
        continue;
      }
      String name = n.asText();
      if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || Character.isWhitespace(c))
          || name.indexOf('*') >= 0) {
        note.accept(
            "left out tool "
                + Json.write(n)
                + ": a manifest cannot name it (whitespace, \"*\" or a control character);"
                + " calls to it will be denied");
        continue;
      }
      if (tools.containsKey(name)) {
        note.accept("tool " + Json.write(n) + " is listed twice; declared once");
        continue;
      }
      tools.put(name, tool(name, t.path("annotations")));
    }
    return tools;
  }

  private static Tool tool(String name, JsonNode annotations) {
    boolean readOnly = annotations.path("readOnlyHint").booleanValue();
    boolean destructive = annotations.path("destructiveHint").booleanValue();
    boolean openWorld = annotations.path("openWorldHint").booleanValue();
    Kind kind = ToolKinds.of(name);
    String approval = null;
    if (destructive) {
      approval = "destructiveHint";
    } else if (!readOnly && kind != Kind.OTHER && kind != Kind.FS_READ) {
      approval = describe(kind) + " without readOnlyHint";
    }
    return new Tool(name, kind, approval, readOnly, openWorld);
  }

  /** What a kind is called in the report. */
  static String describe(Kind kind) {
    return switch (kind) {
      case EXEC -> "exec tool";
      case NET -> "network tool";
      case FS_WRITE -> "file-write tool";
      case FS_READ -> "file-read tool";
      case OTHER -> "tool";
    };
  }

  private static List<Tool> only(List<Tool> tools, Kind kind) {
    return tools.stream().filter(t -> t.kind() == kind).toList();
  }

  private static void names(ArrayNode array, List<Tool> tools) {
    tools.forEach(t -> array.add(t.name()));
  }
}
