package org.vitalbridge.devices.ble;

import java.time.DateTimeException;
import java.time.LocalDateTime;

/**
 * A Bluetooth Date Time (0x2A08, 7 bytes: year uint16, month, day, hours, minutes, seconds). It has
 * no zone: the harmonizer resolves it in the device's configured zone. Year, month or day 0 mean
 * "not known" (GATT Specification Supplement), so the time is unknown as a whole.
 *
 * @param value the local date-time, {@code null} when not known or invalid
 * @param problem why the bytes are not a date-time (e.g. month 13), else {@code null}
 */
record GattDateTime(LocalDateTime value, String problem) {

  static final int SIZE = 7;

  static GattDateTime of(int year, int month, int day, int hours, int minutes, int seconds) {
    if (year == 0 || month == 0 || day == 0) {
      return new GattDateTime(null, null);
    }
    if (year < 1582 || year > 9999) {
      return invalid("year " + year + " outside 1582..9999");
    }
    try {
      return new GattDateTime(LocalDateTime.of(year, month, day, hours, minutes, seconds), null);
    } catch (DateTimeException e) {
      return invalid(
          String.format(
              java.util.Locale.ROOT,
              "%04d-%02d-%02d %02d:%02d:%02d is not a date-time (%s)",
              year,
              month,
              day,
              hours,
              minutes,
              seconds,
              e.getMessage()));
    }
  }

  private static GattDateTime invalid(String why) {
    return new GattDateTime(null, why);
  }

  boolean known() {
    return value != null;
  }
}
