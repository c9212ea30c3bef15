-- Aegis chain store, SQLite schema v4: signed checkpoints and redactions (docs/storage.md).
-- checkpoints live outside the append-only events, so that cutting the tail of a chain leaves
-- the checkpoints behind to show it. Append-only, like events.
CREATE TABLE checkpoints (
  tenant_id       TEXT    NOT NULL,
  session_id      TEXT    NOT NULL,
  seq             INTEGER NOT NULL CHECK (seq >= 0),
  head_hash       TEXT    NOT NULL,
  ts_unix_ms      INTEGER NOT NULL,
  -- the signing key's id and the Ed25519 signature over the statement; both NULL if unsigned
  key_id          TEXT,
  signature       BLOB,
  stored_unix_ms  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq),
  CHECK ((key_id IS NULL) = (signature IS NULL))
);
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'aegis: checkpoints are append-only (UPDATE refused)'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'aegis: checkpoints are append-only (DELETE refused)'); END;

-- One row per erased frame body; append-only. A body may be deleted only once its redaction row
-- exists (aegisctl redact writes both in one transaction); bodies are never updated.
CREATE TABLE redactions (
  tenant_id        TEXT    NOT NULL,
  session_id       TEXT    NOT NULL,
  seq              INTEGER NOT NULL,
  body_sha256      TEXT    NOT NULL,
  reason           TEXT    NOT NULL DEFAULT '',
  redacted_by      TEXT    NOT NULL DEFAULT '',
  redacted_unix_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq)
);
CREATE TRIGGER redactions_no_update BEFORE UPDATE ON redactions
BEGIN SELECT RAISE(ABORT, 'aegis: redactions are append-only (UPDATE refused)'); END;
CREATE TRIGGER redactions_no_delete BEFORE DELETE ON redactions
BEGIN SELECT RAISE(ABORT, 'aegis: redactions are append-only (DELETE refused)'); END;

DROP TRIGGER IF EXISTS bodies_no_delete;
DROP TRIGGER IF EXISTS bodies_delete_only_redacted;
CREATE TRIGGER bodies_delete_only_redacted BEFORE DELETE ON bodies
WHEN NOT EXISTS (SELECT 1 FROM redactions r WHERE r.tenant_id = OLD.tenant_id
                 AND r.session_id = OLD.session_id AND r.seq = OLD.seq)
BEGIN SELECT RAISE(ABORT, 'aegis: bodies are append-only (DELETE refused without a redaction)'); END;
