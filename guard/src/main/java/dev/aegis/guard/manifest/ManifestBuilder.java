package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.guard.manifest.Manifest.Budgets;
import dev.aegis.guard.manifest.Manifest.Exec;
import dev.aegis.guard.manifest.Manifest.Fs;
import dev.aegis.guard.manifest.Manifest.Integrity;
import dev.aegis.guard.manifest.Manifest.Loops;
import dev.aegis.guard.manifest.Manifest.Net;
import dev.aegis.guard.manifest.Manifest.Permissions;
import dev.aegis.guard.manifest.Manifest.Sandbox;
import dev.aegis.guard.manifest.Manifest.Signature;
import dev.aegis.guard.manifest.Manifest.Taint;
import dev.aegis.guard.manifest.Manifest.TaintMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Last step of the loader: builds the records from a tree every rule accepted. */
final class ManifestBuilder {
  private final ManifestTree t;

  private ManifestBuilder(ManifestTree t) {
    this.t = t;
  }

  static Manifest build(ObjectNode root, ManifestTree t) {
    ManifestBuilder b = new ManifestBuilder(t);
    return new Manifest(
        b.text("schema"),
        b.text("name"),
        b.text("version"),
        b.text("publisher"),
        b.permissions(),
        b.sandbox(),
        b.integrity(),
        root);
  }

  private String text(String path) {
    return t.text(path).orElseThrow();
  }

  private Permissions permissions() {
    String p = "permissions.";
    return new Permissions(
        t.values(p + "tools"),
        new Fs(
            t.values(p + "fs.read_roots"),
            t.values(p + "fs.write_roots"),
            t.values(p + "fs.tools"),
            t.values(p + "fs.read_tools")),
        new Net(t.values(p + "net.domains"), t.values(p + "net.tools")),
        new Exec(
            t.values(p + "exec.allowed_bins"),
            t.values(p + "exec.arg_patterns"),
            t.values(p + "exec.tools")),
        t.values(p + "high_risk"),
        t.values(p + "secrets"),
        t.values(p + "approval_required"),
        new Budgets(
            number(p + "budgets.max_steps", Budgets.DEFAULT_MAX_STEPS),
            number(p + "budgets.max_tool_calls", Budgets.DEFAULT_MAX_TOOL_CALLS),
            number(p + "budgets.max_wall_time_ms", Budgets.DEFAULT_MAX_WALL_TIME_MS),
            number(p + "budgets.max_output_bytes", Budgets.DEFAULT_MAX_OUTPUT_BYTES),
            number(p + "budgets.timeout_ms", Budgets.DEFAULT_TIMEOUT_MS)),
        new Loops(
            (int)
                number(
                    p + "loops.identical_call_threshold", Loops.DEFAULT_IDENTICAL_CALL_THRESHOLD),
            (int) number(p + "loops.no_progress_threshold", Loops.DEFAULT_NO_PROGRESS_THRESHOLD),
            (int) number(p + "loops.sequence_min_length", Loops.DEFAULT_SEQUENCE_MIN_LENGTH),
            (int) number(p + "loops.sequence_max_length", Loops.DEFAULT_SEQUENCE_MAX_LENGTH),
            (int) number(p + "loops.window", Loops.DEFAULT_WINDOW)),
        new Taint(
            t.text(p + "taint.mode").flatMap(TaintMode::fromWire).orElse(TaintMode.SESSION),
            t.values(p + "taint.untrusted_tools"),
            t.values(p + "taint.sanitizers")));
  }

  private long number(String path, long dflt) {
    JsonNode n = t.get(path);
    return n == null ? dflt : n.longValue();
  }

  private Sandbox sandbox() {
    JsonNode required = t.get("sandbox.required");
    return new Sandbox(
        required != null && required.booleanValue(),
        t.text("sandbox.image"),
        t.values("sandbox.mounts"));
  }

  private Integrity integrity() {
    Map<String, String> files = new LinkedHashMap<>();
    JsonNode f = t.get("integrity.files");
    if (f != null) {
      for (Map.Entry<String, JsonNode> e : f.properties()) {
        files.put(e.getKey(), e.getValue().textValue());
      }
    }
    Optional<Signature> signature =
        t.get("integrity.signature") == null
            ? Optional.empty()
            : Optional.of(
                new Signature(
                    text("integrity.signature.alg"),
                    text("integrity.signature.key_id"),
                    text("integrity.signature.value")));
    return new Integrity(
        ManifestIntegrity.sortedCopy(files), t.text("integrity.tree_sha256"), signature);
  }
}
