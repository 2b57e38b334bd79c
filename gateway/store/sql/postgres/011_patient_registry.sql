-- Renkei store, schema version 11: the patient registry. Each sender's patient record (its
-- identifier, or Patient/id) belongs to one person; records of one person found by matching are
-- linked (automatically when the match is clear, by a person otherwise). Records a person must
-- look at wait in state REVIEW (candidates kept), masked ones in PENDING. Every decision, the
-- machine's and a person's, is an event (match_event), newest last.
CREATE TABLE patient_link (
  organization TEXT NOT NULL,
  record       TEXT NOT NULL,
  person       TEXT NOT NULL,
  state        TEXT NOT NULL,
  score        BIGINT NOT NULL DEFAULT 0,
  candidates   TEXT NOT NULL DEFAULT '',
  identifiers  TEXT NOT NULL DEFAULT '',
  patient      TEXT NOT NULL DEFAULT '',
  decided_by   TEXT NOT NULL DEFAULT '',
  updated_ms   BIGINT NOT NULL,
  PRIMARY KEY (organization, record)
);
CREATE INDEX patient_link_person ON patient_link(person);
CREATE INDEX patient_link_state ON patient_link(state);
CREATE TABLE match_event (
  id           BIGSERIAL PRIMARY KEY,
  at_ms        BIGINT NOT NULL,
  organization TEXT NOT NULL,
  record       TEXT NOT NULL,
  action       TEXT NOT NULL,
  person       TEXT NOT NULL,
  actor        TEXT NOT NULL,
  score        BIGINT NOT NULL DEFAULT 0,
  message_id   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX match_event_record ON match_event(record);
