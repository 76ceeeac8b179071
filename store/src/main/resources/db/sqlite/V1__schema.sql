-- VitalBridge schema, SQLite dialect. Times are epoch microseconds (UTC).
CREATE TABLE raw_message (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT    NOT NULL UNIQUE,
  received_at     INTEGER NOT NULL,
  adapter         TEXT    NOT NULL,
  content_type    TEXT    NOT NULL,
  source          TEXT,
  device_identity TEXT,
  payload         BLOB    NOT NULL,
  size            INTEGER NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'pending',   -- pending | processed | rejected | partial
  processed_at    INTEGER
);
CREATE INDEX raw_message_received ON raw_message (received_at);

CREATE TABLE measurement (
  id           TEXT    PRIMARY KEY,
  raw_seq      INTEGER,
  raw_id       TEXT,
  device       TEXT    NOT NULL,
  subject      TEXT,
  location     TEXT,
  mdc          INTEGER NOT NULL,
  refid        TEXT    NOT NULL,
  loinc        TEXT,
  display      TEXT    NOT NULL,
  value_kind   TEXT    NOT NULL,                        -- quantity | coded | text | series
  value_num    REAL,
  value_text   TEXT    NOT NULL,                        -- exact canonical value
  unit         TEXT,
  observed_at  INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  status       TEXT    NOT NULL,
  flags        TEXT    NOT NULL,
  adapter      TEXT,
  mapping      TEXT
);
CREATE INDEX measurement_device_time ON measurement (device, mdc, observed_at);
CREATE INDEX measurement_subject_time ON measurement (subject, mdc, observed_at);
CREATE INDEX measurement_raw ON measurement (raw_seq);

CREATE TABLE quarantine (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  raw_seq      INTEGER NOT NULL,
  raw_id       TEXT    NOT NULL,
  stage        TEXT    NOT NULL,
  reason       TEXT    NOT NULL,
  field        TEXT,
  detail       TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  resolved_at  INTEGER
);
CREATE INDEX quarantine_open ON quarantine (resolved_at, seq);
CREATE INDEX quarantine_raw ON quarantine (raw_seq);

CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  destination     TEXT    NOT NULL,
  measurement_id  TEXT    NOT NULL,
  raw_seq         INTEGER,
  state           TEXT    NOT NULL DEFAULT 'pending',  -- pending | delivered | failed
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  delivered_at    INTEGER,
  UNIQUE (destination, measurement_id)
);
CREATE INDEX outbox_pending ON outbox (destination, state, seq);
CREATE INDEX outbox_raw ON outbox (raw_seq, state);

CREATE TABLE device (
  id               TEXT PRIMARY KEY,
  adapter          TEXT,
  last_seen        INTEGER NOT NULL,
  connection_state TEXT NOT NULL DEFAULT 'unknown'
);

CREATE TABLE association (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  device      TEXT,
  location    TEXT,
  subject     TEXT    NOT NULL,
  encounter   TEXT,
  valid_from  INTEGER NOT NULL,
  valid_to    INTEGER,
  source      TEXT    NOT NULL
);
CREATE INDEX association_device ON association (device, valid_from);
CREATE INDEX association_location ON association (location, valid_from);

CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  at        INTEGER NOT NULL,
  actor     TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  resource  TEXT,
  outcome   TEXT    NOT NULL,
  detail    TEXT
);
CREATE INDEX audit_at ON audit (at);

CREATE TABLE cursor (
  name      TEXT PRIMARY KEY,
  position  INTEGER NOT NULL
);
