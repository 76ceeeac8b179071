package org.vitalbridge.core.model;

/** Status of a measurement, aligned with FHIR Observation.status. */
public enum MeasurementStatus {
  FINAL("final"),
  PRELIMINARY("preliminary"),
  ENTERED_IN_ERROR("entered-in-error");

  private final String code;

  MeasurementStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
