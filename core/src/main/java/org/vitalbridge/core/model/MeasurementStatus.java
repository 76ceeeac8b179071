package org.vitalbridge.core.model;

/**
 * Status of a measurement, aligned with FHIR Observation.status. A result only moves forward:
 * preliminary → final → amended, and entered-in-error ends it ({@link #supersedes}).
 */
public enum MeasurementStatus {
  FINAL("final", 1),
  /** Not yet verified (HL7 OBX-11 P, R, S): a final result may follow under the same id. */
  PRELIMINARY("preliminary", 0),
  /** Changed after it was final: a correction (OBX-11 C), or another patient after a late ADT. */
  AMENDED("amended", 2),
  /** Retracted (OBX-11 W, D): it should not have been reported. Nothing follows it. */
  ENTERED_IN_ERROR("entered-in-error", 3);

  private final String code;
  private final int rank;

  MeasurementStatus(String code, int rank) {
    this.code = code;
    this.rank = rank;
  }

  public String code() {
    return code;
  }

  /** Whether a result with this status replaces a stored one with status {@code stored}. */
  public boolean supersedes(MeasurementStatus stored) {
    return rank > stored.rank;
  }

  /**
   * The status with {@code code} (as {@link #code()} writes it).
   *
   * @throws IllegalArgumentException for any other code: a status is never guessed
   */
  public static MeasurementStatus ofCode(String code) {
    for (MeasurementStatus s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown measurement status '" + code + "'");
  }
}
