-- Renkei store, schema version 7: indexes over only the deliveries still to send. A claim reads
-- the pending rows in id order and asks, for each, whether an earlier one of its line (destination
-- and ordering key) is still pending; both are now walks of small indexes that hold nothing already
-- sent, whatever the planner's statistics say of a queue table that fills and empties in seconds
-- (with the full-table indexes PostgreSQL chose, on a fresh table, to compare every pending row
-- with every other).
CREATE INDEX delivery_outbox_pending ON delivery_outbox(id) WHERE state IN ('QUEUED', 'RETRYING');
CREATE INDEX delivery_outbox_pending_line ON delivery_outbox(destination, ordering_key, id)
  WHERE state IN ('QUEUED', 'RETRYING');
