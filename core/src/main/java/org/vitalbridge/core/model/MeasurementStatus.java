package org.vitalbridge.core.model;

/** Status of a measurement, aligned with FHIR Observation.status. */
public enum MeasurementStatus {
  FINAL("final"),
  PRELIMINARY("preliminary"),
  /** Changed after it was final, e.g. attributed to another patient after a late ADT. */
  AMENDED("amended"),
  ENTERED_IN_ERROR("entered-in-error");

  private final String code;

  MeasurementStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
