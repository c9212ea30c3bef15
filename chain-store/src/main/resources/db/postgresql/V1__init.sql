-- Aegis chain store, PostgreSQL schema v1. Applied by Migrations in one transaction, by the
-- owner role; writers need only SELECT and INSERT (see docs/storage.md).
-- sealed is bytea, never jsonb: jsonb reorders keys and would lose the exact hashed bytes.
CREATE TABLE events (
  tenant_id  text   NOT NULL,
  session_id text   NOT NULL,
  seq        bigint NOT NULL CHECK (seq >= 0),
  ts_unix_ms bigint NOT NULL,
  event_type text   NOT NULL,
  user_id    text   NOT NULL DEFAULT '',
  prev_hash  text,
  hash       text   NOT NULL,
  sealed     bytea  NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq)
);
CREATE INDEX events_tenant_ts ON events (tenant_id, ts_unix_ms);
CREATE INDEX events_tenant_type ON events (tenant_id, event_type);

-- Frame bodies, committed to by the payload's body_sha256; kept beside the chain so that a
-- redaction can erase a body while the digest keeps the chain verifiable.
CREATE TABLE bodies (
  tenant_id  text   NOT NULL,
  session_id text   NOT NULL,
  seq        bigint NOT NULL,
  body       bytea  NOT NULL,
  PRIMARY KEY (tenant_id, session_id, seq)
);

CREATE FUNCTION aegis_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'aegis: % is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION aegis_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION aegis_append_only();
CREATE TRIGGER bodies_append_only BEFORE UPDATE OR DELETE ON bodies
  FOR EACH ROW EXECUTE FUNCTION aegis_append_only();
CREATE TRIGGER bodies_no_truncate BEFORE TRUNCATE ON bodies
  FOR EACH STATEMENT EXECUTE FUNCTION aegis_append_only();
