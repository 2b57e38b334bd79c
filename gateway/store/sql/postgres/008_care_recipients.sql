-- Renkei store, schema version 8: a delivery may name its recipient (a care-team member reached
-- through a shared channel: a fax sheet to one clinic, a ward folder per doctor), and the care
-- directory asks cheaply whether resources of a type changed since it last looked.
ALTER TABLE delivery_outbox ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
CREATE INDEX fhir_resource_changes ON fhir_resource(resource_type, message_id);
