package dev.aegis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.approval.ApprovalRecord;
import dev.aegis.core.approval.ApprovalStatus;
import dev.aegis.core.json.Json;

/** Approval requests as shown to operators: one state word and a snake_case JSON object. */
public final class ApprovalViews {
  private ApprovalViews() {}

  /** pending, expired, approved, approved+used, denied. */
  public static String state(ApprovalRecord r, long now) {
    if (r.status() == ApprovalStatus.PENDING) {
      return r.expiredAt(now) ? "expired" : "pending";
    }
    if (r.status() == ApprovalStatus.APPROVED && r.usedUnixMs() != 0) {
      return "used";
    }
    return r.status().wireName();
  }

  /** The record as JSON with snake_case keys. */
  public static ObjectNode toJson(ApprovalRecord r, long now) {
    ObjectNode o = Json.object();
    o.put("token", r.token());
    o.put("state", state(r, now));
    o.put("tenant_id", r.tenantId());
    o.put("session_id", r.sessionId());
    o.put("call_id", r.callId());
    o.put("tool_name", r.toolName());
    o.set("args", r.args());
    o.put("args_sha256", r.argsSha256());
    o.put("proposal_seq", r.proposalSeq());
    o.put("created_unix_ms", r.createdUnixMs());
    o.put("expires_unix_ms", r.expiresUnixMs());
    if (r.decidedBy() != null) {
      o.put("decided_by", r.decidedBy());
      o.put("decided_unix_ms", r.decidedUnixMs());
    }
    if (r.editedArgs() != null) {
      o.set("edited_args", r.editedArgs());
    }
    if (r.message() != null) {
      o.put("message", r.message());
    }
    if (r.usedUnixMs() != 0) {
      o.put("used_unix_ms", r.usedUnixMs());
    }
    return o;
  }
}
