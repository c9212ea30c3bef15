package dev.aegis.core.pipeline;

import dev.aegis.core.frame.JsonRpcId;

/**
 * A client tools/call that was forwarded: what its result is sealed against, and the policy's
 * constraints on it ({@code <= 0} means no limit: audit-mode calls the policy denied carry none).
 */
record ToolCall(
    JsonRpcId id,
    String toolName,
    long proposalSeq,
    long decisionSeq,
    long maxOutputBytes,
    long timeoutMs) {}
