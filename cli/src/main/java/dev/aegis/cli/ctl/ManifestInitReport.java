package dev.aegis.cli.ctl;

import dev.aegis.cli.ctl.ManifestInitDraft.Tool;
import dev.aegis.guard.manifest.ToolKinds.Kind;
import java.util.ArrayList;
import java.util.List;

/** The lines {@code aegisctl manifest init} prints: where each tool went and what to review. */
final class ManifestInitReport {
  private ManifestInitReport() {}

  /** The per-tool lines, then the review list. */
  static List<String> lines(ManifestInitDraft draft) {
    List<String> out = new ArrayList<>();
    int width = 0;
    for (Tool t : draft.tools()) {
      width = Math.max(width, Math.min(t.name().length(), 32));
    }
    for (Tool t : draft.tools()) {
      out.add("  " + pad(t.name(), width) + "  " + where(t));
    }
    out.add("review before use:");
    out.add(
        "  - annotations are the server's own claims: check each tool, and remove the tools"
            + " the agent does not need (undeclared tools are denied)");
    if (has(draft, Kind.FS_READ) || has(draft, Kind.FS_WRITE)) {
      out.add(
          "  - add directories to permissions.fs.read_roots"
              + (has(draft, Kind.FS_WRITE) ? " and write_roots" : "")
              + ": until then file-tool calls with a path are denied (FS_DENY)");
    }
    if (has(draft, Kind.NET)) {
      out.add(
          "  - add hosts to permissions.net.domains: until then network-tool calls are denied"
              + " (EGRESS_DENY)");
    }
    if (has(draft, Kind.EXEC)) {
      out.add(
          "  - add binaries to permissions.exec.allowed_bins: until then exec-tool calls are"
              + " denied (EXEC_DENY)");
    }
    if (draft.tools().stream().anyMatch(Tool::untrusted)) {
      out.add(
          "  - untrusted_tools matter in taint mode flow: set permissions.taint.mode to flow to"
              + " taint only their results");
    }
    if (draft.sandboxRequired()) {
      out.add(
          "  - sandbox.required is true (file-write, network or exec tools are declared): set"
              + " sandbox.image and mounts");
    }
    return out;
  }

  private static String where(Tool t) {
    StringBuilder s = new StringBuilder();
    if (t.approval()) {
      s.append("approval_required (").append(t.approvalReason()).append(')');
    } else {
      s.append("allowed").append(t.readOnly() ? " (readOnlyHint)" : "");
    }
    if (t.untrusted()) {
      s.append("; untrusted (openWorldHint)");
    }
    switch (t.kind()) {
      case FS_WRITE -> s.append("; fs.tools: needs write_roots");
      case FS_READ -> s.append("; fs.read_tools: needs read_roots");
      case NET -> s.append("; net.tools: needs domains");
      case EXEC -> s.append("; exec.tools: needs allowed_bins");
      case OTHER -> {}
    }
    return s.toString();
  }

  private static boolean has(ManifestInitDraft draft, Kind kind) {
    return draft.tools().stream().anyMatch(t -> t.kind() == kind);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
