package org.vitalbridge.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * One time-bounded association of a patient with a device or (device null) a bed, as stored.
 * Cancelled ones are kept as history and attribute nothing.
 *
 * @param validTo exclusive end, or {@code null} while open
 * @param cause every change that touched the row, oldest first, separated by {@code "; "} (e.g. the
 *     ADT message that created it, then the one that ended it)
 */
public record Association(
    long seq,
    String device,
    String location,
    String subject,
    String encounter,
    Instant validFrom,
    Instant validTo,
    String source,
    String cause,
    Instant cancelledAt) {
  static final String SEPARATOR = "; ";

  public boolean cancelled() {
    return cancelledAt != null;
  }

  /** Whether it attributes {@code at} to its subject. */
  public boolean covers(Instant at) {
    return !cancelled() && !validFrom.isAfter(at) && (validTo == null || validTo.isAfter(at));
  }

  /** The causes recorded on the row, oldest first. */
  public List<String> causes() {
    return cause == null ? List.of() : Arrays.asList(cause.split(SEPARATOR));
  }

  /** Both name an encounter and they differ (an unnamed encounter matches any). */
  public boolean otherEncounter(String encounter) {
    return this.encounter != null && encounter != null && !this.encounter.equals(encounter);
  }

  static String withCause(String causes, String cause) {
    if (cause == null) {
      return causes;
    }
    return causes == null ? cause : causes + SEPARATOR + cause;
  }
}
