-- Renkei store, schema version 10: who saw which patient's data and why. Each routed message
-- lists its patient's identifiers; each read over the FHIR endpoint lists the messages whose
-- resources it returned.
CREATE TABLE message_patient (
  message_id BIGINT NOT NULL REFERENCES pipeline_message(id),
  system     TEXT NOT NULL,
  value      TEXT NOT NULL
);
CREATE INDEX message_patient_value ON message_patient(value, system);
CREATE INDEX message_patient_message ON message_patient(message_id);
CREATE TABLE audit_view (
  message_id   BIGINT NOT NULL,
  at_ms        BIGINT NOT NULL,
  source       TEXT NOT NULL,
  client       TEXT NOT NULL,
  organization TEXT NOT NULL,
  method       TEXT NOT NULL,
  path         TEXT NOT NULL,
  status       BIGINT NOT NULL
);
CREATE INDEX audit_view_message ON audit_view(message_id, at_ms);
