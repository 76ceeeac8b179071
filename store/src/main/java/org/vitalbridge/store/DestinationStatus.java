package org.vitalbridge.store;

import java.time.Instant;

/**
 * How one destination is doing, from its outbox.
 *
 * @param backlog entries waiting (pending or failed, not dead)
 * @param failing of those, entries whose last attempt failed and wait for a retry
 * @param dead entries the destination refused for good (replayable)
 * @param delivered entries delivered (and not yet purged)
 * @param lastError the error of the latest entry that has one, or null
 * @param lastDeliveredAt the latest delivery, or null
 * @param pausedAt when an operator paused it, or null while it runs
 * @param pauseReason the operator's reason for the pause, or null
 * @param withheld entries not sent because the patient's consent does not cover them (only for a
 *     destination that requires consent)
 */
public record DestinationStatus(
    String destination,
    long backlog,
    long failing,
    long dead,
    long delivered,
    String lastError,
    Instant lastDeliveredAt,
    Instant pausedAt,
    String pauseReason,
    long withheld) {
  /** A destination that withholds nothing (it does not require consent). */
  public DestinationStatus(
      String destination,
      long backlog,
      long failing,
      long dead,
      long delivered,
      String lastError,
      Instant lastDeliveredAt,
      Instant pausedAt,
      String pauseReason) {
    this(
        destination,
        backlog,
        failing,
        dead,
        delivered,
        lastError,
        lastDeliveredAt,
        pausedAt,
        pauseReason,
        0);
  }

  public boolean paused() {
    return pausedAt != null;
  }
}
