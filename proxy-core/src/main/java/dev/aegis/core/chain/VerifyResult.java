package dev.aegis.core.chain;

/**
 * Outcome of verifying one chain. When invalid, {@code firstBadSeq} is the seq position where the
 * chain first stops being trustworthy and {@code reason} says why in one line.
 */
public record VerifyResult(
    String tenantId,
    String sessionId,
    boolean valid,
    long events,
    long firstBadSeq,
    String reason,
    String headHash) {}
