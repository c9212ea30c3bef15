-- Aegis chain store, SQLite schema v5: which session a transport's session key belongs to
-- (docs/storage.md), so that a restarted HTTP proxy continues the session's chain. Keys are
-- stored only as SHA-256 digests (an Mcp-Session-Id can be a bearer credential). Not append-only:
-- a key reused after its session ended is bound to the new session.
CREATE TABLE session_keys (
  tenant_id      TEXT    NOT NULL,
  upstream       TEXT    NOT NULL,
  -- mcp_session_id (the upstream's or the bridging proxy's) or session_key (2026-07-28 key)
  kind           TEXT    NOT NULL,
  key_sha256     TEXT    NOT NULL,
  session_id     TEXT    NOT NULL,
  bound_unix_ms  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, upstream, kind, key_sha256)
);
