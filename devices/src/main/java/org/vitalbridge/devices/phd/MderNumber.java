package org.vitalbridge.devices.phd;

import java.math.BigDecimal;

/**
 * An MDER SFLOAT (16 bit: 4-bit exponent, 12-bit mantissa) or FLOAT (32 bit: 8-bit exponent, 24-bit
 * mantissa), both base 10 and two's complement. Exact as a {@link BigDecimal}: a device's 36.7
 * stays 36.7. A special value (NaN, NRes, ±INF, reserved) has no number, only its name; its
 * mantissa marks it whatever the exponent, so a special can never leak out as a number.
 *
 * @param value the number, {@code null} for a special value
 * @param special the special value's name, {@code null} for a number
 */
record MderNumber(BigDecimal value, String special) {

  static MderNumber sfloat(int raw) {
    int mantissa = raw & 0x0FFF;
    switch (mantissa) {
      case 0x07FF:
        return new MderNumber(null, "NaN");
      case 0x0800:
        return new MderNumber(null, "NRes");
      case 0x07FE:
        return new MderNumber(null, "+INF");
      case 0x0802:
        return new MderNumber(null, "-INF");
      case 0x0801:
        return new MderNumber(null, "reserved");
      default:
        break;
    }
    int m = mantissa >= 0x0800 ? mantissa - 0x1000 : mantissa;
    int e = (raw >> 12) & 0x0F;
    e = e >= 0x08 ? e - 0x10 : e;
    return new MderNumber(BigDecimal.valueOf(m).scaleByPowerOfTen(e), null);
  }

  static MderNumber float32(long raw) {
    int mantissa = (int) (raw & 0x00FFFFFF);
    switch (mantissa) {
      case 0x007FFFFF:
        return new MderNumber(null, "NaN");
      case 0x00800000:
        return new MderNumber(null, "NRes");
      case 0x007FFFFE:
        return new MderNumber(null, "+INF");
      case 0x00800002:
        return new MderNumber(null, "-INF");
      case 0x00800001:
        return new MderNumber(null, "reserved");
      default:
        break;
    }
    int m = mantissa >= 0x00800000 ? mantissa - 0x01000000 : mantissa;
    int e = (byte) (raw >>> 24);
    return new MderNumber(BigDecimal.valueOf(m).scaleByPowerOfTen(e), null);
  }

  boolean isSpecial() {
    return special != null;
  }

  /** Decimal text without exponent notation (97.5, 120, 0.012). */
  String text() {
    return value.toPlainString();
  }
}
