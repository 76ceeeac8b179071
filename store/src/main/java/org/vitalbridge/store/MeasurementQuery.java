package org.vitalbridge.store;

import java.time.Instant;
import java.util.Objects;

/** Which measurements to read: any of subject, device and MDC code (null = any) in [from, to). */
public record MeasurementQuery(
    String subject, String device, Integer mdc, Instant from, Instant to, int limit) {
  public MeasurementQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
    if (limit <= 0 || limit > 100_000) {
      throw new IllegalArgumentException("limit must be 1..100000");
    }
  }
}
