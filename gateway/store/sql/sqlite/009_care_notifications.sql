-- Renkei store, schema version 9: notifications to care-team members. A delivery may carry its
-- own content (a notification, a digest, an escalation) instead of its message's; each
-- notification is told once per fact and recipient, and keeps its acknowledgement, escalation
-- or digest.
ALTER TABLE delivery_outbox ADD COLUMN payload TEXT NOT NULL DEFAULT '';
CREATE TABLE care_notification (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  fact_key      TEXT NOT NULL UNIQUE,
  token         TEXT NOT NULL UNIQUE,
  message_id    INTEGER NOT NULL REFERENCES pipeline_message(id),
  destination   TEXT NOT NULL,
  recipient     TEXT NOT NULL,
  recipient_org TEXT NOT NULL,
  urgent        INTEGER NOT NULL,
  state         TEXT NOT NULL,
  due_ms        INTEGER NOT NULL,
  created_ms    INTEGER NOT NULL,
  acked_ms      INTEGER NOT NULL DEFAULT 0,
  acked_by      TEXT NOT NULL DEFAULT '',
  escalate_to   TEXT NOT NULL DEFAULT '',
  summary       TEXT NOT NULL DEFAULT '',
  delivery_key  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX care_notification_due ON care_notification(state, due_ms);
