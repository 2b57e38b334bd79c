-- Renkei store, schema version 7: indexes over only the deliveries still to send. A claim reads
-- the pending rows in id order and asks, for each, whether an earlier one of its line (destination
-- and ordering key) is still pending; both are now walks of small indexes that hold nothing already
-- sent, whatever the planner's statistics say of a queue table that fills and empties in seconds
-- (with the full-table indexes PostgreSQL chose, on a fresh table, to compare every pending row
-- with every other).
CREATE INDEX delivery_outbox_pending ON delivery_outbox(id) WHERE state IN ('QUEUED', 'RETRYING');
CREATE INDEX delivery_outbox_pending_line ON delivery_outbox(destination, ordering_key, id)
  WHERE state IN ('QUEUED', 'RETRYING');
-- The queue tables are updated in place (a lease, then a result): room left in each page lets
-- PostgreSQL write the new row version beside the old one without touching the indexes, and
-- their dead versions are vacuumed after 2% of the table changed rather than 20%.
ALTER TABLE delivery_outbox SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02,
                                 autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE pipeline_message SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02,
                                  autovacuum_analyze_scale_factor = 0.02);
