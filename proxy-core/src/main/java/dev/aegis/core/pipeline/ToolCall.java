package dev.aegis.core.pipeline;

import dev.aegis.core.frame.JsonRpcId;

/**
 * A client tools/call that was forwarded: what its result is sealed against, the policy's
 * constraints on it ({@code <= 0} means no limit: audit-mode calls the policy denied carry none),
 * and the sanitisation key it registers when it succeeds (null unless the guard calls the tool a
 * sanitiser and the call carries a valid {@code io.aegis/sanitize} key).
 */
record ToolCall(
    JsonRpcId id,
    String toolName,
    long proposalSeq,
    long decisionSeq,
    long maxOutputBytes,
    long timeoutMs,
    String sanitizeKey) {}
