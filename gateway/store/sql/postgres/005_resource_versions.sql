-- Renkei store, schema version 5 (PostgreSQL): resources are versioned and each organization has
-- its own id space (a resource is named by type, id and the organization that wrote it); `current`
-- marks the latest version; search values belong to one version; a message remembers what kind of
-- write it was (pipeline/write_intent.h), so that a message routed later is treated the same.
ALTER TABLE fhir_resource DROP CONSTRAINT fhir_resource_pkey;
ALTER TABLE fhir_resource ADD PRIMARY KEY (resource_type, id, organization, version);
ALTER TABLE fhir_resource ADD COLUMN current SMALLINT NOT NULL DEFAULT 1;
CREATE INDEX fhir_resource_owner ON fhir_resource(resource_type, organization, id);
ALTER TABLE fhir_search ADD COLUMN organization TEXT NOT NULL DEFAULT '';
ALTER TABLE fhir_search ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE fhir_search s SET organization = r.organization
  FROM fhir_resource r WHERE r.resource_type = s.resource_type AND r.id = s.id;
DROP INDEX fhir_search_value;
CREATE INDEX fhir_search_value ON fhir_search(resource_type, param, value, organization, id);
ALTER TABLE pipeline_message ADD COLUMN write_intent TEXT NOT NULL DEFAULT '';
