-- Renkei store, schema version 6: what a source that reads files in place (SS-MIX2 storage, which
-- it must never move or change) has seen of each file — size, modification time and content hash
-- — so that a scan reads only new and changed files, and why a file was not taken.
CREATE TABLE source_file (
  source     TEXT NOT NULL,
  path       TEXT NOT NULL,
  size       BIGINT NOT NULL,
  mtime_ns   BIGINT NOT NULL,
  sha256     TEXT NOT NULL,
  message_id BIGINT NOT NULL,
  problem    TEXT NOT NULL,
  seen_ms    BIGINT NOT NULL,
  PRIMARY KEY (source, path)
);
