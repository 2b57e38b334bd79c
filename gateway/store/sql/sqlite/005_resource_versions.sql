-- Renkei store, schema version 5 (SQLite): resources are versioned and each organization has its
-- own id space (a resource is named by type, id and the organization that wrote it); `current`
-- marks the latest version; search values belong to one version; a message remembers what kind of
-- write it was (pipeline/write_intent.h), so that a message routed later is treated the same.
CREATE TABLE fhir_resource_v5 (
  resource_type TEXT NOT NULL,
  id            TEXT NOT NULL,
  organization  TEXT NOT NULL,
  version       INTEGER NOT NULL,
  current       INTEGER NOT NULL DEFAULT 1,
  message_id    INTEGER NOT NULL,
  updated_ms    INTEGER NOT NULL,
  content       TEXT NOT NULL,
  PRIMARY KEY (resource_type, id, organization, version)
);
INSERT INTO fhir_resource_v5 (resource_type, id, organization, version, current, message_id,
                              updated_ms, content)
  SELECT resource_type, id, organization, version, 1, message_id, updated_ms, content
  FROM fhir_resource;
DROP TABLE fhir_resource;
ALTER TABLE fhir_resource_v5 RENAME TO fhir_resource;
CREATE INDEX fhir_resource_owner ON fhir_resource(resource_type, organization, id);
CREATE TABLE fhir_search_v5 (
  resource_type TEXT NOT NULL,
  id            TEXT NOT NULL,
  organization  TEXT NOT NULL,
  version       INTEGER NOT NULL,
  param         TEXT NOT NULL,
  value         TEXT NOT NULL
);
INSERT INTO fhir_search_v5 (resource_type, id, organization, version, param, value)
  SELECT s.resource_type, s.id, r.organization, r.version, s.param, s.value
  FROM fhir_search s JOIN fhir_resource r ON r.resource_type = s.resource_type AND r.id = s.id;
DROP TABLE fhir_search;
ALTER TABLE fhir_search_v5 RENAME TO fhir_search;
CREATE INDEX fhir_search_value ON fhir_search(resource_type, param, value, organization, id);
ALTER TABLE pipeline_message ADD COLUMN write_intent TEXT NOT NULL DEFAULT '';
