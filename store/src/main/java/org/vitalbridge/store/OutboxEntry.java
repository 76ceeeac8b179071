package org.vitalbridge.store;

/**
 * One measurement waiting for (or delivered to) one destination.
 *
 * @param revision how often the entry was queued again after a change of its measurement (a new
 *     status, another patient): above 0 the destination may already hold an earlier version, so it
 *     must update rather than only create
 */
public record OutboxEntry(
    long seq, String destination, StoredMeasurement measurement, int attempts, int revision) {

  /** An entry queued once. */
  public OutboxEntry(long seq, String destination, StoredMeasurement measurement, int attempts) {
    this(seq, destination, measurement, attempts, 0);
  }

  /** Whether the destination may hold an earlier version of the measurement. */
  public boolean isUpdate() {
    return revision > 0;
  }
}
