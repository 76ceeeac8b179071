package org.vitalbridge.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Which journaled messages to list: received in [from, to), optionally only those of a device (its
 * authenticated identity, its source, the device named by its channel, or a measurement of it) and
 * in one processing state, after the journal position {@code afterSeq} (a page cursor).
 *
 * @param state {@code pending}, {@code processed}, {@code rejected} or {@code partial}, or null
 */
public record RawMessageQuery(
    String device, String state, Instant from, Instant to, long afterSeq, int limit) {
  public RawMessageQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
    if (limit <= 0 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000");
    }
  }
}
