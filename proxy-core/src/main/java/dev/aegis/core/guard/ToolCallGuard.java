package dev.aegis.core.guard;

import dev.aegis.core.event.Envelope;
import java.util.concurrent.CompletableFuture;

/**
 * Decides the client's {@code tools/call} requests of one session. The core seals the trail
 * (TOOL_CALL_PROPOSED, POLICY_DECISION, TOOL_CALL_ALLOWED/DENIED, TOOL_CALL_EXECUTED, TOOL_RESULT);
 * the guard keeps session state as a pure function of the sealed events it observes.
 *
 * <p>Threading: {@link #observe} is called under the chain's seal lock, in seq order, and must be
 * quick; {@link #decide} may be called from any thread, must not block it, and its future never
 * fails (fail closed: errors become a POLICY_ERROR deny).
 */
public interface ToolCallGuard {

  /** Sees every sealed event of the session, in seq order (including events before a restart). */
  void observe(Envelope sealed);

  /** Decides the sealed TOOL_CALL_PROPOSED envelope. */
  CompletableFuture<GuardDecision> decide(Envelope proposal);

  /**
   * Whether a tool the server lists may be shown to the client: tools the policy would refuse as
   * undeclared are filtered out of {@code tools/list} results. Must be fast and thread-safe.
   */
  boolean lists(String toolName);

  /**
   * Whether the answers of this tool are fingerprinted into its TOOL_RESULT (per-value taint: the
   * tool is an untrusted source). Called when an answer arrives; must be fast and thread-safe. None
   * by default.
   */
  default boolean fingerprints(String toolName) {
    return false;
  }

  /**
   * Whether this tool is a sanitiser: a successful call carrying {@code
   * params._meta["io.aegis/sanitize"]} registers its key (SANITIZED). Must be fast and thread-safe.
   * None by default.
   */
  default boolean sanitizer(String toolName) {
    return false;
  }
}
