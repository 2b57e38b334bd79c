-- Renkei store, schema version 1 (SQLite). Times are milliseconds since the Unix epoch.
CREATE TABLE intake_raw (
  sha256      TEXT PRIMARY KEY,
  bytes       BLOB,
  size        INTEGER NOT NULL,
  first_ms    INTEGER NOT NULL,
  purged      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE pipeline_message (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  source          TEXT NOT NULL,
  sender          TEXT NOT NULL,
  name            TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  sha256          TEXT NOT NULL REFERENCES intake_raw(sha256),
  received_ms     INTEGER NOT NULL,
  state           TEXT NOT NULL,
  error           TEXT NOT NULL DEFAULT '',
  routing         TEXT NOT NULL DEFAULT '',
  canonical       TEXT NOT NULL DEFAULT '',
  duplicates      INTEGER NOT NULL DEFAULT 0,
  lease_owner     TEXT NOT NULL DEFAULT '',
  lease_until_ms  INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source, idempotency_key)
);
CREATE INDEX pipeline_message_received ON pipeline_message(state, id);
CREATE TABLE intake_duplicate (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id  INTEGER NOT NULL REFERENCES pipeline_message(id),
  name        TEXT NOT NULL,
  received_ms INTEGER NOT NULL
);
CREATE TABLE delivery_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id      INTEGER NOT NULL REFERENCES pipeline_message(id),
  destination     TEXT NOT NULL,
  ordering_key    TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_ms      INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  response_body   TEXT NOT NULL DEFAULT '',
  lease_owner     TEXT NOT NULL DEFAULT '',
  lease_until_ms  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX delivery_outbox_due ON delivery_outbox(state, next_attempt_ms);
CREATE INDEX delivery_outbox_line ON delivery_outbox(destination, ordering_key, state, id);
CREATE INDEX delivery_outbox_message ON delivery_outbox(message_id);
