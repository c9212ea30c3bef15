package dev.aegis.guard.manifest;

import dev.aegis.guard.manifest.ManifestTree.Item;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Rules for what permissions point at: file-system roots, domains, exec argument patterns. */
final class TargetRules {
  static final String ROOT_EXPECTED =
      "an absolute path such as /srv/data, without \".\", \"..\" or empty segments";

  static final String DOMAIN_EXPECTED =
      "an exact host such as api.example.com or a wildcard such as *.example.com";

  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private static final Pattern MOUNT = Pattern.compile("[^:\\s][^:]*:/[^:]*(:(ro|rw))?");

  private TargetRules() {}

  static void check(ManifestTree t) {
    for (String list : List.of("permissions.fs.read_roots", "permissions.fs.write_roots")) {
      Map<String, String> seen = new HashMap<>();
      for (Item item : t.strings(list)) {
        Optional<String> bad = rootProblem(item.value());
        if (bad.isPresent()) {
          t.problems().add(item.field(), bad.get(), ROOT_EXPECTED);
        } else {
          unique(t, item, item.value(), seen, "unique roots");
        }
      }
    }
    Map<String, String> seen = new HashMap<>();
    for (Item item : t.strings("permissions.net.domains")) {
      Optional<String> bad = domainProblem(item.value());
      if (bad.isPresent()) {
        t.problems().add(item.field(), bad.get(), DOMAIN_EXPECTED);
      } else {
        unique(t, item, item.value().toLowerCase(Locale.ROOT), seen, "unique domains");
      }
    }
    for (Item item : t.strings("permissions.exec.arg_patterns")) {
      Re2Syntax.problem(item.value())
          .ifPresent(
              why ->
                  t.problems()
                      .add(
                          item.field(),
                          Problems.quote(item.value()) + " " + why,
                          "an RE2 regular expression, as OPA's regex.match reads it"));
    }
  }

  static void mounts(ManifestTree t) {
    for (Item item : t.strings("sandbox.mounts")) {
      if (!MOUNT.matcher(item.value()).matches()) {
        t.problems()
            .add(
                item.field(),
                Problems.quote(item.value()) + " is not a bind mount",
                "SOURCE:/DEST, SOURCE:/DEST:ro or SOURCE:/DEST:rw");
      }
    }
  }

  private static void unique(
      ManifestTree t, Item item, String key, Map<String, String> seen, String expected) {
    String first = seen.putIfAbsent(key, item.field());
    if (first != null) {
      t.problems()
          .add(
              item.field(),
              Problems.quote(item.value()) + " is listed twice (also at " + first + ")",
              expected);
    }
  }

  /** Why a root is not an absolute, normal POSIX path; empty when it is. */
  static Optional<String> rootProblem(String root) {
    String q = Problems.quote(root);
    if (root.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Optional.of(q + " contains a control character");
    }
    if (!root.startsWith("/")) {
      return Optional.of(q + " is not an absolute path");
    }
    if (root.equals("/")) {
      return Optional.empty();
    }
    for (String segment : root.substring(1).split("/", -1)) {
      if (segment.equals("..")) {
        return Optional.of(q + " has a \"..\" segment");
      }
      if (segment.equals(".")) {
        return Optional.of(q + " has a \".\" segment");
      }
      if (segment.isEmpty()) {
        return Optional.of(q + " has an empty segment (\"//\" or a trailing \"/\")");
      }
    }
    return Optional.empty();
  }

  /** Why a domain is not a host name or {@code *.suffix} wildcard; empty when it is. */
  static Optional<String> domainProblem(String domain) {
    String q = Problems.quote(domain);
    if (domain.contains("/") || domain.contains(":") || domain.contains("@")) {
      return Optional.of(q + " is a URL or has a port, not a host name");
    }
    String host = domain.startsWith("*.") ? domain.substring(2) : domain;
    if (host.contains("*")) {
      return Optional.of(q + " has a \"*\" that is not a leading \"*.\"");
    }
    if (host.isEmpty() || host.length() > 253) {
      return Optional.of(q + " is not a host name");
    }
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of(q + " has an invalid label " + Problems.quote(label));
      }
    }
    return Optional.empty();
  }
}
