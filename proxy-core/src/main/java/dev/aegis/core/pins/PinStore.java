package dev.aegis.core.pins;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Tool-catalog pins that outlive sessions, per (tenant, upstream, tool): the first definition a
 * proxy sees is pinned, later differing definitions wait for an operator ({@code aegisctl pins}).
 * Not append-only — operators change pins — so every change a proxy makes is also sealed in its
 * session's chain.
 *
 * <p>Threading: thread-safe; every method blocks on the database (callers keep it off event loops).
 * Failures: a store that cannot be reached or refuses the statement throws {@link
 * dev.aegis.core.chain.ChainStoreException} (STORE_UNAVAILABLE), with nothing changed.
 */
public interface PinStore {
  /** The approver a proxy records when it pins a tool on first sight (trust on first use). */
  String FIRST_SEEN = "first-seen";

  /**
   * The pins of a tenant's upstream, ordered by tenant, upstream and tool name; a null tenant or
   * upstream means all of them.
   */
  List<ToolPin> list(String tenantId, String upstream);

  /**
   * Pins each definition whose tool has no row yet, approved by {@link #FIRST_SEEN} (the first
   * writer wins across concurrent sessions), and returns the rows of those tools as they now stand
   * (keyed by tool name), whoever wrote them.
   */
  Map<String, ToolPin> pinIfAbsent(
      String tenantId, String upstream, Map<String, StoredDefinition> definitions);

  /**
   * Records a definition that differs from the tool's pin as the latest one awaiting review; a tool
   * without a row gets one without a pin. {@code renamedFrom} names the tool a rename replaced
   * (kept until approval), or is null.
   */
  void recordChange(
      String tenantId, String upstream, String toolName, StoredDefinition seen, String renamedFrom);

  /**
   * Approves the definitions awaiting review of the named tools (every tool of the upstream when
   * {@code toolNames} is empty): each becomes the pin, approved by {@code approvedBy} at {@code
   * unixMs}. Returns the approved rows; tools with nothing awaiting review are left alone.
   */
  List<ToolPin> approve(
      String tenantId,
      String upstream,
      Collection<String> toolNames,
      String approvedBy,
      long unixMs);

  /**
   * Deletes the pin of one tool, or every pin of the upstream when {@code toolName} is null, so the
   * next session pins afresh; returns how many rows went.
   */
  int reset(String tenantId, String upstream, String toolName);
}
