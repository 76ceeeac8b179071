-- Operator actions on the quarantine and the destinations (HTTP API, console).
-- How an entry left the quarantine: 'reprocessed' (its message was run again) or 'discarded' by an
-- operator, with the reason they gave; both NULL while the entry is open. Kept as history.
ALTER TABLE quarantine ADD COLUMN resolution TEXT;
ALTER TABLE quarantine ADD COLUMN resolution_note TEXT;
CREATE INDEX quarantine_reason ON quarantine (reason, seq);

-- Destinations an operator paused: nothing is taken from their outbox until they are resumed. A
-- row here survives a restart, so a pause for maintenance is not undone by a redeploy.
CREATE TABLE destination_pause (
  destination TEXT    PRIMARY KEY,
  paused_at   INTEGER NOT NULL,
  reason      TEXT
);

-- Rates for the console (measurements received in the last minutes, per adapter and device).
CREATE INDEX measurement_received ON measurement (received_at);
