package dev.aegis.guard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.guard.manifest.Manifest.Budgets;
import dev.aegis.guard.manifest.Manifest.Loops;
import dev.aegis.guard.manifest.Manifest.TaintMode;
import dev.aegis.guard.manifest.ManifestTree.Item;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Second pass of the loader: the rules a well-shaped manifest must follow, checked in documented
 * order, every problem collected (docs/manifest.md lists them).
 */
final class ManifestRules {
  /** SemVer 2.0.0, the regex from semver.org (ASCII digits only). */
  static final Pattern SEMVER =
      Pattern.compile(
          "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
              + "(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
              + "(?:\\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

  /** Largest integer every JSON reader (and OPA) holds exactly: 2^53 - 1. */
  static final long MAX_INTEGER = (1L << 53) - 1;

  static final String TOOLS = "permissions.tools";

  /** Lists of tool names that classify declared tools: each must name a tool in TOOLS. */
  static final List<String> TOOL_CLASSES =
      List.of(
          "permissions.fs.tools",
          "permissions.fs.read_tools",
          "permissions.net.tools",
          "permissions.exec.tools",
          "permissions.high_risk",
          "permissions.approval_required",
          "permissions.taint.untrusted_tools",
          "permissions.taint.sanitizers");

  private static final String[][] BUDGETS = {
    {"max_steps", "" + Budgets.DEFAULT_MAX_STEPS},
    {"max_tool_calls", "" + Budgets.DEFAULT_MAX_TOOL_CALLS},
    {"max_wall_time_ms", "" + Budgets.DEFAULT_MAX_WALL_TIME_MS},
    {"max_output_bytes", "" + Budgets.DEFAULT_MAX_OUTPUT_BYTES},
    {"timeout_ms", "" + Budgets.DEFAULT_TIMEOUT_MS},
  };

  private final ManifestTree t;
  private final Problems p;

  private ManifestRules(ManifestTree t) {
    this.t = t;
    this.p = t.problems();
  }

  /** Checks every rule, in documented order, adding every problem found. */
  static void check(ManifestTree t) {
    ManifestRules r = new ManifestRules(t);
    r.schema();
    r.identity();
    r.toolNames();
    r.otherLists();
    r.budgets();
    r.loops();
    r.taint();
    TargetRules.check(t);
    r.sandbox();
    IntegrityRules.check(t);
  }

  private void schema() {
    String field = "schema";
    if (missing(field, Problems.quote(Manifest.SCHEMA))) {
      return;
    }
    t.text(field)
        .filter(s -> !s.equals(Manifest.SCHEMA))
        .ifPresent(s -> p.add(field, "is " + Problems.quote(s), Problems.quote(Manifest.SCHEMA)));
  }

  private void identity() {
    for (String field : List.of("name", "version", "publisher")) {
      if (!missing(field, "a non-empty string")) {
        t.text(field)
            .filter(String::isBlank)
            .ifPresent(
                s -> p.add(field, s.isEmpty() ? "is empty" : "is blank", "a non-empty string"));
      }
    }
    t.text("version")
        .filter(v -> !v.isBlank() && !SEMVER.matcher(v).matches())
        .ifPresent(
            v ->
                p.add(
                    "version",
                    Problems.quote(v) + " is not a SemVer 2.0 version",
                    "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], e.g. 1.0.0"));
  }

  /** Reports a required key that is absent; true if absent or broken. */
  private boolean missing(String field, String expected) {
    if (t.declared(field)) {
      return t.get(field) == null;
    }
    p.add(field, "missing", expected);
    return true;
  }

  private void toolNames() {
    Set<String> declared = new HashSet<>(t.values(TOOLS));
    boolean toolsUsable = t.get(TOOLS) != null || !t.declared(TOOLS);
    names(TOOLS, "tool names", true, v -> true);
    for (String list : TOOL_CLASSES) {
      names(list, "tool names", true, v -> !toolsUsable || declared.contains(v));
    }
  }

  private void otherLists() {
    names("permissions.secrets", "secret names", false, v -> true);
    names("permissions.exec.allowed_bins", "binaries", false, v -> true);
  }

  /**
   * Non-empty, unique entries without control characters; tool names also without whitespace or
   * wildcards, and (for lists that classify tools) declared in permissions.tools.
   */
  private void names(String list, String what, boolean toolNames, Predicate<String> declared) {
    Map<String, String> seen = new HashMap<>();
    String expected = toolNames ? "an exact tool name" : "a non-empty string";
    for (Item item : t.strings(list)) {
      String v = item.value();
      String q = Problems.quote(v);
      if (v.isEmpty()) {
        p.add(item.field(), "is empty", expected);
      } else if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        p.add(item.field(), q + " contains a control character", expected);
      } else if (toolNames && v.chars().anyMatch(Character::isWhitespace)) {
        p.add(item.field(), q + " contains whitespace", expected);
      } else if (toolNames && v.indexOf('*') >= 0) {
        p.add(item.field(), q + " is a wildcard; wildcards are not supported", expected);
      } else if (seen.containsKey(v)) {
        p.add(item.field(), q + " is listed twice (also at " + seen.get(v) + ")", "unique " + what);
      } else {
        seen.put(v, item.field());
        if (!declared.test(v)) {
          p.add(item.field(), q + " is not in " + TOOLS, "a tool declared in " + TOOLS);
        }
      }
    }
  }

  private void budgets() {
    for (String[] b : BUDGETS) {
      String field = "permissions.budgets." + b[0];
      JsonNode n = t.get(field);
      if (n == null) {
        continue;
      }
      BigInteger v = n.bigIntegerValue();
      if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(MAX_INTEGER)) > 0) {
        p.add(field, "is " + v, "an integer from 0 to " + MAX_INTEGER + "; omit it for " + b[1]);
      }
    }
  }

  private void loops() {
    String base = "permissions.loops.";
    Optional<Integer> identical =
        loopValue(base + "identical_call_threshold", Loops.DEFAULT_IDENTICAL_CALL_THRESHOLD);
    Optional<Integer> noProgress =
        loopValue(base + "no_progress_threshold", Loops.DEFAULT_NO_PROGRESS_THRESHOLD);
    Optional<Integer> min =
        loopValue(base + "sequence_min_length", Loops.DEFAULT_SEQUENCE_MIN_LENGTH);
    Optional<Integer> max =
        loopValue(base + "sequence_max_length", Loops.DEFAULT_SEQUENCE_MAX_LENGTH);
    Optional<Integer> window = loopValue(base + "window", Loops.DEFAULT_WINDOW);
    if (noProgress.isEmpty()
        || identical.isEmpty()
        || min.isEmpty()
        || max.isEmpty()
        || window.isEmpty()) {
      return;
    }
    if (min.get() > max.get()) {
      relation(
          base + "sequence_max_length",
          max.get(),
          "is less than sequence_min_length " + describeLoop(base + "sequence_min_length", min),
          "sequence_min_length <= sequence_max_length",
          base + "sequence_min_length",
          min.get(),
          "is greater than sequence_max_length " + describeLoop(base + "sequence_max_length", max));
    }
    if (window.get() < 2 * max.get()) {
      relation(
          base + "window",
          window.get(),
          "is less than 2 x sequence_max_length = " + 2 * max.get(),
          "a window holding two repetitions of the longest sequence",
          base + "sequence_max_length",
          max.get(),
          "needs a window of " + 2 * max.get() + ", window is " + window.get() + " (default)");
    }
    if (identical.get() > window.get()) {
      relation(
          base + "identical_call_threshold",
          identical.get(),
          "is greater than window " + describeLoop(base + "window", window),
          "identical_call_threshold <= window",
          base + "window",
          window.get(),
          "is less than identical_call_threshold " + identical.get());
    }
  }

  /** Reports a violated relation on the first field if declared, else on the second. */
  private void relation(
      String first,
      int firstValue,
      String firstMessage,
      String expected,
      String second,
      int secondValue,
      String secondMessage) {
    if (t.declared(first)) {
      p.add(first, firstValue + " " + firstMessage, expected);
    } else {
      p.add(second, secondValue + " " + secondMessage, expected);
    }
  }

  private String describeLoop(String field, Optional<Integer> v) {
    return v.get() + (t.declared(field) ? "" : " (default)");
  }

  /** The threshold (its default when absent), or empty when it is out of range or broken. */
  private Optional<Integer> loopValue(String field, int dflt) {
    if (!t.declared(field)) {
      return Optional.of(dflt);
    }
    JsonNode n = t.get(field);
    if (n == null) {
      return Optional.empty();
    }
    BigInteger v = n.bigIntegerValue();
    if (v.compareTo(BigInteger.TWO) < 0 || v.compareTo(BigInteger.valueOf(Loops.MAX_WINDOW)) > 0) {
      p.add(field, "is " + v, "an integer from 2 to " + Loops.MAX_WINDOW);
      return Optional.empty();
    }
    return Optional.of(v.intValue());
  }

  private void taint() {
    t.text("permissions.taint.mode")
        .filter(m -> TaintMode.fromWire(m).isEmpty())
        .ifPresent(
            m ->
                p.add(
                    "permissions.taint.mode",
                    Problems.quote(m) + " is not a taint mode",
                    "session or flow"));
    Set<String> untrusted = new HashSet<>(t.values("permissions.taint.untrusted_tools"));
    for (Item item : t.strings("permissions.taint.sanitizers")) {
      if (untrusted.contains(item.value())) {
        p.add(
            item.field(),
            Problems.quote(item.value()) + " is also in permissions.taint.untrusted_tools",
            "a sanitiser, whose output is trusted, or an untrusted tool, not both");
      }
    }
  }

  private void sandbox() {
    List<String> reasons = effectful();
    JsonNode required = t.get("sandbox.required");
    boolean broken = t.declared("sandbox.required") && required == null;
    if (!reasons.isEmpty() && !broken && (required == null || !required.booleanValue())) {
      p.add(
          "sandbox.required",
          (required == null ? "missing" : "is false")
              + " but effectful permissions are declared: "
              + String.join(", ", reasons),
          "true");
    }
    t.text("sandbox.image")
        .filter(String::isBlank)
        .ifPresent(s -> p.add("sandbox.image", "is empty", "a container image reference"));
    TargetRules.mounts(t);
  }

  /** Why the manifest is effectful: the declarations that need a sandbox; empty if none. */
  List<String> effectful() {
    Set<String> reasons = new LinkedHashSet<>();
    for (String list :
        List.of(
            "permissions.exec.allowed_bins",
            "permissions.fs.write_roots",
            "permissions.net.domains",
            "permissions.exec.tools",
            "permissions.net.tools",
            "permissions.fs.tools")) {
      if (!t.strings(list).isEmpty()) {
        reasons.add(list);
      }
    }
    for (String tool : t.values(TOOLS)) {
      if (ToolKinds.isExec(tool)) {
        reasons.add("exec tool " + Problems.quote(tool));
      } else if (ToolKinds.isNet(tool)) {
        reasons.add("network tool " + Problems.quote(tool));
      } else if (ToolKinds.isFsWrite(tool)) {
        reasons.add("file-write tool " + Problems.quote(tool));
      }
    }
    return List.copyOf(reasons);
  }
}
