-- Aegis chain store, SQLite schema v1. Applied by Migrations in one transaction.
-- sealed holds the exact RFC 8785 bytes that were hashed: the record of truth. The other
-- columns duplicate fields of it for indexing; verification checks that they agree.
CREATE TABLE events (
  tenant_id  TEXT    NOT NULL,
  session_id TEXT    NOT NULL,
  seq        INTEGER NOT NULL CHECK (seq >= 0),
  ts_unix_ms INTEGER NOT NULL,
  event_type TEXT    NOT NULL,
  user_id    TEXT    NOT NULL DEFAULT '',
  prev_hash  TEXT,
  hash       TEXT    NOT NULL,
  sealed     BLOB    NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq)
);
CREATE INDEX events_tenant_ts ON events (tenant_id, ts_unix_ms);
CREATE INDEX events_tenant_type ON events (tenant_id, event_type);

-- Frame bodies, committed to by the payload's body_sha256; kept beside the chain so that a
-- redaction can erase a body while the digest keeps the chain verifiable.
CREATE TABLE bodies (
  tenant_id  TEXT    NOT NULL,
  session_id TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  body       BLOB    NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq)
);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'aegis: events are append-only (UPDATE refused)'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'aegis: events are append-only (DELETE refused)'); END;
CREATE TRIGGER bodies_no_update BEFORE UPDATE ON bodies
BEGIN SELECT RAISE(ABORT, 'aegis: bodies are append-only (UPDATE refused)'); END;
CREATE TRIGGER bodies_no_delete BEFORE DELETE ON bodies
BEGIN SELECT RAISE(ABORT, 'aegis: bodies are append-only (DELETE refused)'); END;
