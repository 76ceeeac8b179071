-- Issue #10. The audit trail becomes tamper-evident: each row carries the hash of the row before it
-- (prev_hash) and its own hash = SHA-256(prev_hash || canonical row); audit_head names the last
-- row appended, so a deleted tail is noticed too (AuditLog.verify). Rows written before this
-- migration are chained when the store opens.
ALTER TABLE audit ADD COLUMN role TEXT;
ALTER TABLE audit ADD COLUMN patient TEXT;
ALTER TABLE audit ADD COLUMN source TEXT;
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
CREATE INDEX audit_patient ON audit (patient);

CREATE TABLE audit_head (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  seq       INTEGER  NOT NULL,
  hash      TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- API tokens issued by this installation (auth.mode: local): only a salted SHA-256 of the secret.
CREATE TABLE api_credential (
  id          TEXT PRIMARY KEY,
  subject     TEXT    NOT NULL,
  role        TEXT    NOT NULL,
  salt        TEXT    NOT NULL,
  hash        TEXT    NOT NULL,
  created_at  INTEGER  NOT NULL,
  revoked_at  INTEGER
);
