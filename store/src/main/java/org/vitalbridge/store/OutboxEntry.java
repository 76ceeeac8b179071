package org.vitalbridge.store;

/**
 * One measurement waiting for (or delivered to) one destination.
 *
 * @param revision how often the entry was queued again after a change of its measurement (a new
 *     status, another patient): above 0 the destination may already hold an earlier version, so it
 *     must update rather than only create
 * @param deliveredSubject the patient the destination last received the measurement under, or
 *     {@code null} when it never received it (or received it without a patient)
 */
public record OutboxEntry(
    long seq,
    String destination,
    StoredMeasurement measurement,
    int attempts,
    int revision,
    String deliveredSubject) {

  /** An entry whose destination has not received it under a patient. */
  public OutboxEntry(
      long seq, String destination, StoredMeasurement measurement, int attempts, int revision) {
    this(seq, destination, measurement, attempts, revision, null);
  }

  /** An entry queued once. */
  public OutboxEntry(long seq, String destination, StoredMeasurement measurement, int attempts) {
    this(seq, destination, measurement, attempts, 0);
  }

  /** Whether the destination may hold an earlier version of the measurement. */
  public boolean isUpdate() {
    return revision > 0;
  }

  /**
   * The patient the destination holds this measurement under when that is no longer its patient (it
   * was re-attributed after delivery), else {@code null}.
   */
  public String withdrawnFrom() {
    return deliveredSubject != null && !deliveredSubject.equals(measurement.subject())
        ? deliveredSubject
        : null;
  }
}
