-- Renkei store, schema version 2 (PostgreSQL): one row per request to the FHIR endpoint, who asked
-- what and how it ended. Paths are stored without their query strings (no patient data).
CREATE TABLE api_audit (
  id           BIGSERIAL PRIMARY KEY,
  at_ms        BIGINT NOT NULL,
  source       TEXT NOT NULL,
  client       TEXT NOT NULL,
  organization TEXT NOT NULL,
  method       TEXT NOT NULL,
  path         TEXT NOT NULL,
  status       BIGINT NOT NULL,
  message_id   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_audit_at ON api_audit(at_ms);
