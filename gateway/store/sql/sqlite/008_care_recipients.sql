-- Renkei store, schema version 8: a delivery may name its recipient (a care-team member reached
-- through a shared channel: a fax sheet to one clinic, a ward folder per doctor), and the care
-- directory asks cheaply whether resources of a type changed since it last looked; a delivery
-- may be HELD while the patient's consent does not allow it.
ALTER TABLE delivery_outbox ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
CREATE INDEX fhir_resource_changes ON fhir_resource(resource_type, message_id);
-- Deliveries to care-team members that consent may still hold back or release.
CREATE INDEX delivery_outbox_recipients_pending ON delivery_outbox(id)
  WHERE recipient <> '' AND state IN ('QUEUED', 'RETRYING', 'HELD');
