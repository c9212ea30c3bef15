-- Aegis chain store, SQLite schema v3: tool-catalog pins per upstream (docs/policy.md, Pinning).
-- Not append-only: operators approve and reset pins (aegisctl pins). Every change a proxy makes
-- is also sealed in its session's chain. Definitions are RFC 8785 canonical JSON text.
CREATE TABLE tool_pins (
  tenant_id          TEXT    NOT NULL,
  upstream           TEXT    NOT NULL,
  tool_name          TEXT    NOT NULL,
  -- the approved definition; NULL while a new name a rename brought awaits review
  pinned_sha256      TEXT,
  pinned_definition  TEXT,
  pinned_unix_ms     INTEGER,
  pinned_session_id  TEXT,
  approved_by        TEXT,
  -- the latest differing definition a session listed, awaiting review; NULL when none
  seen_sha256        TEXT,
  seen_definition    TEXT,
  seen_unix_ms       INTEGER,
  seen_session_id    TEXT,
  seen_renamed_from  TEXT,
  PRIMARY KEY (tenant_id, upstream, tool_name),
  CHECK ((pinned_sha256 IS NULL) = (pinned_definition IS NULL)),
  CHECK ((seen_sha256 IS NULL) = (seen_definition IS NULL)),
  CHECK (pinned_sha256 IS NOT NULL OR seen_sha256 IS NOT NULL)
);
