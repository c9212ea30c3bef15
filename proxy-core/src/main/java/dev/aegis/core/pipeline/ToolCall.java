package dev.aegis.core.pipeline;

import dev.aegis.core.frame.JsonRpcId;

/** A client tools/call that was allowed and forwarded: what its result is sealed against. */
record ToolCall(JsonRpcId id, String toolName, long proposalSeq) {}
