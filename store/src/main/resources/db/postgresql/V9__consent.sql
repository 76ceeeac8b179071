-- Per-patient consent (issue #10). A destination configured requiresConsent receives a patient's
-- measurement only when the newest consent of that patient covering the observation time permits
-- it; other entries are set aside as 'withheld' (counted per destination, released when a permit
-- is recorded). One row per patient and source: importing the same FHIR Consent again, or posting
-- again through the API, replaces the earlier decision. Times are microseconds since the epoch.
CREATE TABLE consent (
  patient      TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  period_start BIGINT,
  period_end   BIGINT,
  recorded_at  BIGINT  NOT NULL,
  PRIMARY KEY (patient, source)
);
