-- Renkei store, schema version 3 (SQLite): the resources accepted messages carry, under their
-- server ids, for reads through the FHIR endpoint; each belongs to the organization that sent it.
CREATE TABLE fhir_resource (
  resource_type TEXT NOT NULL,
  id            TEXT NOT NULL,
  version       INTEGER NOT NULL,
  organization  TEXT NOT NULL,
  message_id    INTEGER NOT NULL,
  updated_ms    INTEGER NOT NULL,
  content       TEXT NOT NULL,
  PRIMARY KEY (resource_type, id, version)
);
