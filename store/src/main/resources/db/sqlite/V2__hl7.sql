-- HL7 v2: containment tree, subject provenance, association history, structured acknowledgments.
ALTER TABLE measurement ADD COLUMN containment TEXT;          -- path|vmd|channel (PCD-01 OBX-4)
ALTER TABLE measurement ADD COLUMN subject_source TEXT;       -- message | association | NULL

ALTER TABLE association ADD COLUMN cancelled_at INTEGER;      -- a cancel (A11/A12/A13) keeps the row
ALTER TABLE association ADD COLUMN cause TEXT;                -- e.g. ADT^A01 control id

-- Every change of a measurement's patient, oldest first: nothing is overwritten silently.
CREATE TABLE attribution_history (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  measurement_id   TEXT    NOT NULL,
  previous_subject TEXT,
  subject          TEXT,
  changed_at       INTEGER NOT NULL,
  cause            TEXT
);
CREATE INDEX attribution_history_measurement ON attribution_history (measurement_id, seq);

-- Negative acknowledgments (AE/AR/CE/CR), inbound (we sent them) and outbound (a peer sent them).
CREATE TABLE hl7_nack (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  at           INTEGER NOT NULL,
  direction    TEXT    NOT NULL,                              -- in | out
  peer         TEXT    NOT NULL,                              -- sender (in) or destination (out)
  control_id   TEXT,
  code         TEXT    NOT NULL,
  errors       TEXT    NOT NULL,                              -- one line per ERR: location code text
  raw_id       TEXT
);
CREATE INDEX hl7_nack_at ON hl7_nack (at);
CREATE INDEX hl7_nack_peer ON hl7_nack (peer, control_id);
