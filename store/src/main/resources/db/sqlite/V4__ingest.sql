-- Device presence (MQTT connect/disconnect/will): when the state last changed and why.
ALTER TABLE device ADD COLUMN state_changed_at INTEGER;
ALTER TABLE device ADD COLUMN state_reason TEXT;

-- HTTP Idempotency-Key: the first answer to a key, replayed to retries.
CREATE TABLE idempotency_key (
  key          TEXT PRIMARY KEY,
  fingerprint  TEXT NOT NULL,
  status       INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  body         BLOB NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
