package org.vitalbridge.store;

import java.time.Duration;

/**
 * What to keep. Raw messages are purged once older than {@code rawMaxAge} and delivered to every
 * destination (and not in open quarantine); beyond {@code maxRawBytes} or {@code maxRawCount} the
 * oldest such messages go first, whatever their age. Measurements older than {@code
 * measurementMaxAge} and delivered everywhere are purged. A null age or a non-positive cap means no
 * limit.
 */
public record RetentionPolicy(
    Duration rawMaxAge, Duration measurementMaxAge, long maxRawBytes, long maxRawCount) {
  public static final RetentionPolicy DEFAULT =
      new RetentionPolicy(Duration.ofDays(7), Duration.ofDays(90), 2L << 30, 10_000_000L);
}
