-- Renkei store, schema version 2 (SQLite): one row per request to the FHIR endpoint, who asked
-- what and how it ended. Paths are stored without their query strings (no patient data).
CREATE TABLE api_audit (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms        INTEGER NOT NULL,
  source       TEXT NOT NULL,
  client       TEXT NOT NULL,
  organization TEXT NOT NULL,
  method       TEXT NOT NULL,
  path         TEXT NOT NULL,
  status       INTEGER NOT NULL,
  message_id   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_audit_at ON api_audit(at_ms);
