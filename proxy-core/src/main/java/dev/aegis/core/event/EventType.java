package dev.aegis.core.event;

/**
 * Event types. The seed's seventeen, plus what the proxy needs: a frame event for every relayed
 * frame, session start, sanitisation and tool-catalog pinning.
 */
public enum EventType {
  MODEL_CALL_STARTED,
  MODEL_CALL_FINISHED,
  TOOL_CALL_PROPOSED,
  TOOL_CALL_ALLOWED,
  TOOL_CALL_DENIED,
  TOOL_CALL_EXECUTED,
  TOOL_RESULT,
  POLICY_DECISION,
  APPROVAL_REQUESTED,
  APPROVAL_DECIDED,
  MEMORY_READ,
  MEMORY_WRITE,
  HANDOFF_REQUESTED,
  HANDOFF_COMPLETED,
  CHECKPOINT_CREATED,
  TERMINATION,
  ERROR_RAISED,
  /** The proxy started a session: proxy version, child argv, store settings. */
  SESSION_STARTED,
  /** One JSON-RPC frame relayed (or refused) in either direction; body committed by digest. */
  MCP_FRAME,
  /** Sanitisation of session taint (the seed's documented-but-missing SanitizedText). */
  SANITIZED,
  /** A tool catalog (tools/list result) was pinned for the session. */
  TOOL_CATALOG_PINNED,
  /** A tool's definition changed against the pinned catalog. */
  TOOL_CATALOG_CHANGED,
  /** An operator approved changed tool definitions: they are the session's pins from now on. */
  TOOL_CATALOG_REPINNED
}
