-- Renkei store, schema version 12: faxed forms waiting for a person. A received form whose
-- fields the OCR could not all prove is kept here with its original image (evidence) and the
-- reading (every field's value, confidence, verdicts and status as JSON), in state REVIEW until
-- a reviewer of its organization confirms or corrects every field (CONFIRMED), its Bundle is
-- committed as a message (SUBMITTED, message_id), or the fax is rejected (REJECTED). version
-- guards against two reviewers saving over each other.
CREATE TABLE fax_document (
  id           BIGSERIAL PRIMARY KEY,
  organization TEXT NOT NULL,
  source       TEXT NOT NULL,
  name         TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  state        TEXT NOT NULL,
  form         TEXT NOT NULL DEFAULT '',
  reading      TEXT NOT NULL,
  image        BYTEA NOT NULL,
  received_ms  BIGINT NOT NULL,
  updated_ms   BIGINT NOT NULL,
  updated_by   TEXT NOT NULL DEFAULT '',
  version      BIGINT NOT NULL DEFAULT 1,
  message_id   BIGINT NOT NULL DEFAULT 0,
  UNIQUE (organization, sha256)
);
CREATE INDEX fax_document_queue ON fax_document(organization, state);
