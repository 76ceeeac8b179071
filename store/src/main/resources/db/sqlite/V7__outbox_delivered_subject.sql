-- The patient a destination last received each measurement under (set on delivery). When the
-- measurement is re-attributed, a destination whose records are per patient (an EHR fed HL7 v2)
-- must first withdraw it from that patient's chart: the new subject alone would leave it there.
ALTER TABLE outbox ADD COLUMN delivered_subject TEXT;
