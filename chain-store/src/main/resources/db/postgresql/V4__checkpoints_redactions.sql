-- Aegis chain store, PostgreSQL schema v4: signed checkpoints and redactions (docs/storage.md).
-- checkpoints live outside the append-only events, so that cutting the tail of a chain leaves
-- the checkpoints behind to show it. Append-only, like events.
CREATE TABLE checkpoints (
  tenant_id       text   NOT NULL,
  session_id      text   NOT NULL,
  seq             bigint NOT NULL CHECK (seq >= 0),
  head_hash       text   NOT NULL,
  ts_unix_ms      bigint NOT NULL,
  -- the signing key's id and the Ed25519 signature over the statement; both NULL if unsigned
  key_id          text,
  signature       bytea,
  stored_unix_ms  bigint NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq),
  CHECK ((key_id IS NULL) = (signature IS NULL))
);
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION aegis_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION aegis_append_only();

-- One row per erased frame body; append-only. A body may be deleted only once its redaction row
-- exists (aegisctl redact writes both in one transaction); bodies are never updated.
CREATE TABLE redactions (
  tenant_id        text   NOT NULL,
  session_id       text   NOT NULL,
  seq              bigint NOT NULL,
  body_sha256      text   NOT NULL,
  reason           text   NOT NULL DEFAULT '',
  redacted_by      text   NOT NULL DEFAULT '',
  redacted_unix_ms bigint NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq)
);
CREATE TRIGGER redactions_append_only BEFORE UPDATE OR DELETE ON redactions
  FOR EACH ROW EXECUTE FUNCTION aegis_append_only();
CREATE TRIGGER redactions_no_truncate BEFORE TRUNCATE ON redactions
  FOR EACH STATEMENT EXECUTE FUNCTION aegis_append_only();

CREATE OR REPLACE FUNCTION aegis_body_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM redactions r WHERE r.tenant_id = OLD.tenant_id
      AND r.session_id = OLD.session_id AND r.seq = OLD.seq) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'aegis: bodies are append-only (% refused without a redaction)', TG_OP;
END
$$;
DROP TRIGGER IF EXISTS bodies_append_only ON bodies;
CREATE TRIGGER bodies_append_only BEFORE UPDATE OR DELETE ON bodies
  FOR EACH ROW EXECUTE FUNCTION aegis_body_removal();
