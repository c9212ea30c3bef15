package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.json.Json;
import dev.aegis.guard.manifest.Manifest.Budgets;
import dev.aegis.guard.manifest.Manifest.Loops;
import dev.aegis.guard.manifest.Manifest.Permissions;
import java.util.List;
import java.util.Map;

/** The resolved view of a manifest: every field present, defaults filled in, in schema order. */
final class ManifestJson {
  private ManifestJson() {}

  static ObjectNode resolved(Manifest m) {
    ObjectNode o = Json.object();
    o.put("schema", m.schema());
    o.put("name", m.name());
    o.put("version", m.version());
    o.put("publisher", m.publisher());
    o.set("permissions", permissions(m.permissions()));
    ObjectNode sandbox = o.putObject("sandbox");
    sandbox.put("required", m.sandbox().required());
    m.sandbox().image().ifPresent(i -> sandbox.put("image", i));
    strings(sandbox, "mounts", m.sandbox().mounts());
    ObjectNode integrity = o.putObject("integrity");
    ObjectNode files = integrity.putObject("files");
    for (Map.Entry<String, String> e : m.integrity().files().entrySet()) {
      files.put(e.getKey(), e.getValue());
    }
    m.integrity().treeSha256().ifPresent(t -> integrity.put("tree_sha256", t));
    m.integrity()
        .signature()
        .ifPresent(
            s -> {
              ObjectNode sig = integrity.putObject("signature");
              sig.put("alg", s.alg());
              sig.put("key_id", s.keyId());
              sig.put("value", s.value());
            });
    return o;
  }

  private static ObjectNode permissions(Permissions p) {
    ObjectNode o = Json.object();
    strings(o, "tools", p.tools());
    ObjectNode fs = o.putObject("fs");
    strings(fs, "read_roots", p.fs().readRoots());
    strings(fs, "write_roots", p.fs().writeRoots());
    strings(fs, "tools", p.fs().tools());
    strings(fs, "read_tools", p.fs().readTools());
    ObjectNode net = o.putObject("net");
    strings(net, "domains", p.net().domains());
    strings(net, "tools", p.net().tools());
    ObjectNode exec = o.putObject("exec");
    strings(exec, "allowed_bins", p.exec().allowedBins());
    strings(exec, "arg_patterns", p.exec().argPatterns());
    strings(exec, "tools", p.exec().tools());
    strings(o, "high_risk", p.highRisk());
    strings(o, "secrets", p.secrets());
    strings(o, "approval_required", p.approvalRequired());
    Budgets b = p.budgets();
    ObjectNode budgets = o.putObject("budgets");
    budgets.put("max_steps", b.maxSteps());
    budgets.put("max_tool_calls", b.maxToolCalls());
    budgets.put("max_wall_time_ms", b.maxWallTimeMs());
    budgets.put("max_output_bytes", b.maxOutputBytes());
    budgets.put("timeout_ms", b.timeoutMs());
    Loops l = p.loops();
    ObjectNode loops = o.putObject("loops");
    loops.put("identical_call_threshold", l.identicalCallThreshold());
    loops.put("no_progress_threshold", l.noProgressThreshold());
    loops.put("sequence_min_length", l.sequenceMinLength());
    loops.put("sequence_max_length", l.sequenceMaxLength());
    loops.put("window", l.window());
    ObjectNode taint = o.putObject("taint");
    taint.put("mode", p.taint().mode().wireName());
    strings(taint, "untrusted_tools", p.taint().untrustedTools());
    strings(taint, "sanitizers", p.taint().sanitizers());
    return o;
  }

  private static void strings(ObjectNode o, String key, List<String> values) {
    ArrayNode a = o.putArray(key);
    values.forEach(a::add);
  }
}
