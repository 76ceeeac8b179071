package org.vitalbridge.store;

import java.util.Locale;

/** What the store does with a measurement no patient can be attributed to when it is processed. */
public enum UnassociatedPolicy {
  /** Stored and queued to every destination without a subject (a late association amends it). */
  FORWARD,
  /**
   * Stored but queued nowhere until an association names its patient, so no destination receives a
   * reading that has never had a patient; held measurements stay visible in {@link Unassociated}.
   * Once queued for a patient (delivered or not), a measurement is never held again: when a cancel
   * (ADT A11) or a correction (a late discharge, transfer or association, a cancelled transfer)
   * later takes that patient away and names no other, it is queued again to every destination
   * without a patient, as an amended correction, so that the EHR learns the reading is not that
   * patient's (a destination that had not yet received it receives only that version).
   */
  HOLD,
  /** Not stored; only counted. */
  DROP;

  /** Reads the configuration value {@code forward}, {@code hold} or {@code drop}. */
  public static UnassociatedPolicy of(String value) {
    for (UnassociatedPolicy p : values()) {
      if (p.name().equals(value.strip().toUpperCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "store unassociated must be forward, hold or drop, not " + value);
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
