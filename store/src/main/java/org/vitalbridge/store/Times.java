package org.vitalbridge.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants are stored as epoch microseconds: exact, sortable, the same in both databases. */
final class Times {
  private Times() {}

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
