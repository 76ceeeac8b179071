-- Result status changes (ADR 0014) and the display text of coded values.
ALTER TABLE measurement ADD COLUMN value_display TEXT;       -- Coded: the display (value_text is system|code)

-- Every change of a measurement's status, oldest first (preliminary -> final -> amended ->
-- entered-in-error, by a later message or a re-attribution): nothing is overwritten silently.
CREATE TABLE status_history (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  measurement_id   TEXT    NOT NULL,
  previous_status  TEXT    NOT NULL,
  status           TEXT    NOT NULL,
  changed_at       INTEGER NOT NULL,
  cause            TEXT
);
CREATE INDEX status_history_measurement ON status_history (measurement_id, seq);

-- Bumped each time an outbox row is queued again: a delivery that read an older revision must not
-- mark the newer one delivered, and a destination knows the receiver may hold an earlier version.
ALTER TABLE outbox ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
