package dev.aegis.core.pins;

import static java.util.Objects.requireNonNull;

/**
 * The stored pin of one tool of one upstream: the approved definition calls are checked against,
 * and the latest differing definition a session saw, awaiting an operator's review. Immutable.
 *
 * @param tenantId the tenant
 * @param upstream the upstream id (see {@link UpstreamIds})
 * @param toolName the tool's name
 * @param pinned the approved definition, or null when none was ever approved (a new name that a
 *     rename brought, awaiting review)
 * @param approvedBy who approved {@code pinned}: {@link PinStore#FIRST_SEEN} for a proxy's first
 *     sight of the tool, else the operator; null when {@code pinned} is
 * @param seen the latest definition that differs from {@code pinned}, awaiting review; or null
 * @param renamedFrom when {@code seen} came with a rename, the tool it replaced; else null
 */
public record ToolPin(
    String tenantId,
    String upstream,
    String toolName,
    StoredDefinition pinned,
    String approvedBy,
    StoredDefinition seen,
    String renamedFrom) {

  /** Checks the required fields. */
  public ToolPin {
    requireNonNull(tenantId, "tenantId");
    requireNonNull(upstream, "upstream");
    requireNonNull(toolName, "toolName");
  }

  /**
   * Whether the pin holds for new sessions: an approved definition, and no rename awaiting review
   * (a name a rename brought is not trusted, whatever was pinned for it, until it is approved).
   */
  public boolean holds() {
    return pinned != null && renamedFrom == null;
  }

  /** Whether the pin holds with exactly this digest. */
  public boolean holds(String sha256) {
    return holds() && pinned.sha256().equals(sha256);
  }

  /**
   * {@code pinned}, {@code changed} or {@code renamed} (a definition awaits review), for people.
   */
  public String status() {
    if (seen == null) {
      return "pinned";
    }
    return renamedFrom == null ? "changed" : "renamed";
  }

  /** This pin with a definition awaiting review; an earlier rename mark is kept. */
  public ToolPin withSeen(StoredDefinition seen, String renamedFrom) {
    String from = renamedFrom != null ? renamedFrom : this.renamedFrom;
    return new ToolPin(tenantId, upstream, toolName, pinned, approvedBy, seen, from);
  }
}
