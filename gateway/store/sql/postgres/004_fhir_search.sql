-- Renkei store, schema version 4 (PostgreSQL): search values of stored resources (one row per
-- parameter value; names normalized: NFKC, katakana as hiragana, no spaces, lower case).
CREATE TABLE fhir_search (
  resource_type TEXT NOT NULL,
  id            TEXT NOT NULL,
  param         TEXT NOT NULL,
  value         TEXT NOT NULL
);
CREATE INDEX fhir_search_value ON fhir_search(resource_type, param, value, id);
