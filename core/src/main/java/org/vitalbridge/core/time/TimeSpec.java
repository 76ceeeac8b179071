package org.vitalbridge.core.time;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * How to read one source's timestamps.
 *
 * @param format the format
 * @param zone the zone for local times, or {@code null} to use the device's configured zone
 * @param pattern a {@link DateTimeFormatter} pattern for {@link TimeFormat#LOCAL}, or {@code null}
 *     for ISO local date-time
 */
public record TimeSpec(TimeFormat format, ZoneId zone, DateTimeFormatter pattern) {
  public static final TimeSpec AUTO = new TimeSpec(TimeFormat.AUTO, null, null);

  public TimeSpec {
    Objects.requireNonNull(format, "format");
  }

  public static TimeSpec of(TimeFormat format) {
    return new TimeSpec(format, null, null);
  }
}
