package org.vitalbridge.core.model;

/** Facts about a measurement that a consumer must be able to see. */
public enum MeasurementFlag {
  /** The device sent no time; the receive time stands in for it. */
  TIME_FROM_RECEIPT("time-from-receipt"),
  /** The observation time lies further in the future than the configured clock-skew tolerance. */
  FUTURE_TIMESTAMP("future-timestamp"),
  /** A local time that did not exist (DST gap); read with the offset in force before the gap. */
  LOCAL_TIME_IN_GAP("local-time-in-dst-gap"),
  /** A local time that occurred twice (DST overlap); read with the earlier offset. */
  LOCAL_TIME_AMBIGUOUS("local-time-ambiguous"),
  OUT_OF_RANGE("out-of-range"),
  /**
   * The device's event button was pressed at this reading (e.g. a pulse oximeter's trailing {@code
   * *}): a clinician marked the moment, the value itself is unaffected.
   */
  EVENT_MARKER("event-marker"),
  DEVICE_ALARM("device-alarm"),
  /**
   * The device itself doubts the value (e.g. a pulse oximeter's low-perfusion or low-signal-quality
   * bit, a BLE measurement-status "questionable" bit).
   */
  QUESTIONABLE("questionable"),
  INTERPOLATED("interpolated");

  private final String code;

  MeasurementFlag(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
