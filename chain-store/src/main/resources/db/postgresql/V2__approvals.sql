-- Aegis chain store, postgresql schema v2: persisted approval requests (aegisctl approvals / approve).
-- Mutable by design (an operator decides, a proxy consumes), unlike events: every decision that
-- lets a call through is also sealed as APPROVAL_DECIDED in that session's chain.
CREATE TABLE approvals (
  token           text    PRIMARY KEY,
  tenant_id       text    NOT NULL,
  session_id      text    NOT NULL,
  call_id         text    NOT NULL,
  tool_name       text    NOT NULL,
  args            text    NOT NULL,
  args_sha256     text    NOT NULL,
  proposal_seq    bigint NOT NULL,
  created_unix_ms bigint NOT NULL,
  expires_unix_ms bigint NOT NULL,
  status          text    NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  decided_by      text,
  decided_unix_ms bigint NOT NULL DEFAULT 0,
  edited_args     text,
  message         text,
  used_unix_ms    bigint NOT NULL DEFAULT 0
);
CREATE INDEX approvals_tenant_created ON approvals (tenant_id, created_unix_ms);
