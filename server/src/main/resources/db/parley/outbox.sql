-- Parley's transactional outbox (docs/postgres.md). Run it as is for public.parley_outbox, or let
-- Parley run it at startup (realtime.postgres.outbox.create-table=true), which puts the configured
-- schema first on the search path and replaces every "parley_outbox" below with the configured
-- table name. Idempotent: safe to run again. Needs PostgreSQL 14 or later.

CREATE TABLE IF NOT EXISTS parley_outbox (
  -- Row order: Parley publishes in this order, per channel and overall.
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel      text        NOT NULL,
  event        text        NOT NULL,
  data         jsonb,
  -- The idempotency id Parley publishes the row with: a retry of the same row is not delivered
  -- twice.
  id           text        NOT NULL DEFAULT gen_random_uuid()::text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Set when published, with realtime.postgres.outbox.after-publish=mark; NULL until then.
  published_at timestamptz
);

CREATE INDEX IF NOT EXISTS parley_outbox_pending ON parley_outbox (seq) WHERE published_at IS NULL;

-- Wakes Parley when rows commit: NOTIFY is delivered at commit and never for a rolled-back
-- transaction. The notification channel is "<schema>.<table>"; the payload is empty, since Parley
-- reads the rows from the table.
CREATE OR REPLACE FUNCTION parley_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, '');
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER parley_notify AFTER INSERT ON parley_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION parley_outbox_notify();
