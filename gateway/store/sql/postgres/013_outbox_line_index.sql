-- Renkei store, schema version 13: the full index of delivery lines goes. A claim asks whether an
-- earlier delivery of the same line is still pending; the partial index of pending lines
-- (version 7) answers that, and without the full one the planner takes it. The full index also
-- had every delivery written into it at a random place (destination, then the patient's ordering
-- key) and moved with each change of state: about one database page per delivery in every
-- commit, for no query.
DROP INDEX delivery_outbox_line;
