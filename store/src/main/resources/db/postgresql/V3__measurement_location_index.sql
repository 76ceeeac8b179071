-- Re-attribution after a bed's association changes reads that bed's measurements in a time range.
CREATE INDEX measurement_location_time ON measurement (location, observed_at);
