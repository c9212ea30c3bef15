package dev.aegis.core.approval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One persisted approval request: the call it is bound to (tenant, session, tool, digest of the
 * arguments), when it expires, and how an operator decided it. Tokens are single-use: {@code
 * usedUnixMs} is set when an approved token lets its call through.
 *
 * @param token the HMAC-signed token the operator and the client see
 * @param args the call's original arguments (shown to the operator)
 * @param argsSha256 digest of {@code args} under the one hashing rule (the binding)
 * @param editedArgs arguments the operator substituted when approving, or null
 * @param decidedUnixMs 0 while pending
 * @param usedUnixMs 0 until the approved call was let through
 */
public record ApprovalRecord(
    String token,
    String tenantId,
    String sessionId,
    String callId,
    String toolName,
    JsonNode args,
    String argsSha256,
    long proposalSeq,
    long createdUnixMs,
    long expiresUnixMs,
    ApprovalStatus status,
    String decidedBy,
    long decidedUnixMs,
    JsonNode editedArgs,
    String message,
    long usedUnixMs) {

  /** Checks the required parts. */
  public ApprovalRecord {
    requireNonNull(token, "token");
    requireNonNull(tenantId, "tenantId");
    requireNonNull(sessionId, "sessionId");
    requireNonNull(callId, "callId");
    requireNonNull(toolName, "toolName");
    requireNonNull(args, "args");
    requireNonNull(argsSha256, "argsSha256");
    requireNonNull(status, "status");
  }

  /** A new pending request. */
  public static ApprovalRecord pending(
      String token,
      String tenantId,
      String sessionId,
      String callId,
      String toolName,
      JsonNode args,
      String argsSha256,
      long proposalSeq,
      long createdUnixMs,
      long expiresUnixMs) {
    return new ApprovalRecord(
        token,
        tenantId,
        sessionId,
        callId,
        toolName,
        args,
        argsSha256,
        proposalSeq,
        createdUnixMs,
        expiresUnixMs,
        ApprovalStatus.PENDING,
        null,
        0,
        null,
        null,
        0);
  }

  /** This request approved (with {@code edited} arguments, or null) or denied at {@code now}. */
  public ApprovalRecord decided(
      boolean approve, JsonNode edited, String by, String message, long nowUnixMs) {
    return new ApprovalRecord(
        token,
        tenantId,
        sessionId,
        callId,
        toolName,
        args,
        argsSha256,
        proposalSeq,
        createdUnixMs,
        expiresUnixMs,
        approve ? ApprovalStatus.APPROVED : ApprovalStatus.DENIED,
        by,
        nowUnixMs,
        edited,
        message,
        0);
  }

  /** This (approved) request with its token used at {@code usedUnixMs}. */
  public ApprovalRecord usedAt(long usedUnixMs) {
    return new ApprovalRecord(
        token,
        tenantId,
        sessionId,
        callId,
        toolName,
        args,
        argsSha256,
        proposalSeq,
        createdUnixMs,
        expiresUnixMs,
        status,
        decidedBy,
        decidedUnixMs,
        editedArgs,
        message,
        usedUnixMs);
  }

  /** True once {@code nowUnixMs} is past the expiry. */
  public boolean expiredAt(long nowUnixMs) {
    return nowUnixMs >= expiresUnixMs;
  }

  /** The arguments the call runs with once approved: the operator's edit, else the originals. */
  public JsonNode finalArgs() {
    return editedArgs != null ? editedArgs : args;
  }
}
