-- Aegis chain store, PostgreSQL schema v3: tool-catalog pins per upstream (docs/policy.md,
-- Pinning). Not append-only: operators approve and reset pins (aegisctl pins). Every change a
-- proxy makes is also sealed in its session's chain. Definitions are RFC 8785 canonical JSON
-- text (never jsonb: the digest is over the exact text). Privileges: see docs/storage.md.
CREATE TABLE tool_pins (
  tenant_id          text   NOT NULL,
  upstream           text   NOT NULL,
  tool_name          text   NOT NULL,
  -- the approved definition; NULL while a new name a rename brought awaits review
  pinned_sha256      text,
  pinned_definition  text,
  pinned_unix_ms     bigint,
  pinned_session_id  text,
  approved_by        text,
  -- the latest differing definition a session listed, awaiting review; NULL when none
  seen_sha256        text,
  seen_definition    text,
  seen_unix_ms       bigint,
  seen_session_id    text,
  seen_renamed_from  text,
  PRIMARY KEY (tenant_id, upstream, tool_name),
  CHECK ((pinned_sha256 IS NULL) = (pinned_definition IS NULL)),
  CHECK ((seen_sha256 IS NULL) = (seen_definition IS NULL)),
  CHECK (pinned_sha256 IS NOT NULL OR seen_sha256 IS NOT NULL)
);
