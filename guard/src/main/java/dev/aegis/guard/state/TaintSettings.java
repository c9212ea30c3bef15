package dev.aegis.guard.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the reducer tracks taint, from the manifest's {@code permissions.taint} and the proxy's
 * {@code --trust-annotations}. Immutable.
 *
 * @param flow per-value taint ({@code mode: flow}) instead of session taint
 * @param untrustedTools tools whose results are untrusted in flow mode
 * @param sanitizers tools whose successful calls register sanitisation keys; their output is
 *     trusted
 * @param trustAnnotations whether a pinned {@code openWorldHint: true} also makes a tool untrusted
 */
public record TaintSettings(
    boolean flow, Set<String> untrustedTools, Set<String> sanitizers, boolean trustAnnotations) {
  /** Session taint, no sanitisers, annotations not trusted. */
  public static final TaintSettings SESSION = new TaintSettings(false, Set.of(), Set.of(), false);

  /** Copies the sets. */
  public TaintSettings {
    untrustedTools = Set.copyOf(untrustedTools);
    sanitizers = Set.copyOf(sanitizers);
  }

  /**
   * The settings of a validated manifest's JSON ({@code permissions.taint}; null or absent means
   * session mode with nothing declared).
   */
  public static TaintSettings of(JsonNode manifest, boolean trustAnnotations) {
    JsonNode taint = manifest == null ? null : manifest.path("permissions").path("taint");
    if (taint == null || !taint.isObject()) {
      return new TaintSettings(false, Set.of(), Set.of(), trustAnnotations);
    }
    return new TaintSettings(
        "flow".equals(taint.path("mode").asText()),
        names(taint.path("untrusted_tools")),
        names(taint.path("sanitizers")),
        trustAnnotations);
  }

  private static Set<String> names(JsonNode list) {
    Set<String> out = new TreeSet<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }
}
