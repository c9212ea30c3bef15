-- Aegis chain store, PostgreSQL schema v5: which session a transport's session key belongs to
-- (docs/storage.md), so that a restarted HTTP proxy continues the session's chain. Keys are
-- stored only as SHA-256 digests (an Mcp-Session-Id can be a bearer credential). Not append-only:
-- a key reused after its session ended is bound to the new session. Privileges: see
-- docs/storage.md.
CREATE TABLE session_keys (
  tenant_id      text   NOT NULL,
  upstream       text   NOT NULL,
  -- mcp_session_id (the upstream's or the bridging proxy's) or session_key (2026-07-28 key)
  kind           text   NOT NULL,
  key_sha256     text   NOT NULL,
  session_id     text   NOT NULL,
  bound_unix_ms  bigint NOT NULL,
  PRIMARY KEY (tenant_id, upstream, kind, key_sha256)
);
