-- Aegis chain store, sqlite schema v2: persisted approval requests (aegisctl approvals / approve).
-- Mutable by design (an operator decides, a proxy consumes), unlike events: every decision that
-- lets a call through is also sealed as APPROVAL_DECIDED in that session's chain.
CREATE TABLE approvals (
  token           TEXT    PRIMARY KEY,
  tenant_id       TEXT    NOT NULL,
  session_id      TEXT    NOT NULL,
  call_id         TEXT    NOT NULL,
  tool_name       TEXT    NOT NULL,
  args            TEXT    NOT NULL,
  args_sha256     TEXT    NOT NULL,
  proposal_seq    INTEGER NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  expires_unix_ms INTEGER NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  decided_by      TEXT,
  decided_unix_ms INTEGER NOT NULL DEFAULT 0,
  edited_args     TEXT,
  message         TEXT,
  used_unix_ms    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX approvals_tenant_created ON approvals (tenant_id, created_unix_ms);
