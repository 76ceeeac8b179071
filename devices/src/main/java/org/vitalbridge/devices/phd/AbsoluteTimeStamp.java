package org.vitalbridge.devices.phd;

import java.time.DateTimeException;
import java.time.LocalDateTime;

/**
 * The 8-byte BCD Absolute-Time (century, year, month, day, hour, minute, second, hundredths). It
 * carries no zone: the text it gives is an ISO local date-time that the harmonizer resolves with
 * the device's zone ({@code TimeFormat.LOCAL}).
 */
final class AbsoluteTimeStamp {
  private AbsoluteTimeStamp() {}

  /** What an 8-byte stamp says. */
  sealed interface Result {}

  /** All bytes 0xFF: the agent's clock is not set; the receive time stands in. */
  record NotSet() implements Result {}

  record Local(String isoLocal) implements Result {}

  record Invalid(String why) implements Result {}

  static Result decode(byte[] b) {
    if (b.length != 8) {
      return new Invalid("absolute time of " + b.length + " bytes (expected 8)");
    }
    boolean unset = true;
    for (byte x : b) {
      unset &= (x & 0xFF) == 0xFF;
    }
    if (unset) {
      return new NotSet();
    }
    int[] v = new int[8];
    for (int i = 0; i < 8; i++) {
      int hi = (b[i] >> 4) & 0x0F;
      int lo = b[i] & 0x0F;
      if (hi > 9 || lo > 9) {
        return new Invalid(String.format("byte %d (0x%02X) is not BCD", i, b[i] & 0xFF));
      }
      v[i] = hi * 10 + lo;
    }
    try {
      LocalDateTime t =
          LocalDateTime.of(v[0] * 100 + v[1], v[2], v[3], v[4], v[5], v[6], v[7] * 10_000_000);
      return new Local(t.toString());
    } catch (DateTimeException e) {
      return new Invalid("not a date-time: " + e.getMessage());
    }
  }
}
