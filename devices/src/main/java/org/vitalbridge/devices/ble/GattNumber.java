package org.vitalbridge.devices.ble;

import java.math.BigDecimal;

/**
 * An IEEE 11073-20601 SFLOAT or FLOAT as read from the wire: either an exact decimal or one of the
 * special values (NaN, NRes, ±INF, reserved), which are never numbers.
 *
 * @param value m × 10^e exactly, {@code null} for a special value
 * @param special what the special value was, e.g. {@code SFLOAT NaN (0x07FF)}, else {@code null}
 */
record GattNumber(BigDecimal value, String special) {

  static final int SFLOAT_NAN = 0x07FF;
  static final int SFLOAT_NRES = 0x0800;
  static final int SFLOAT_POSITIVE_INFINITY = 0x07FE;
  static final int SFLOAT_NEGATIVE_INFINITY = 0x0802;
  static final int SFLOAT_RESERVED = 0x0801;

  static final int FLOAT_NAN = 0x007FFFFF;
  static final int FLOAT_NRES = 0x00800000;
  static final int FLOAT_POSITIVE_INFINITY = 0x007FFFFE;
  static final int FLOAT_NEGATIVE_INFINITY = 0x00800002;
  static final int FLOAT_RESERVED = 0x00800001;

  boolean isSpecial() {
    return special != null;
  }

  /**
   * Decodes a 16-bit SFLOAT: 4-bit signed exponent (high nibble), 12-bit signed mantissa. The
   * special values are mantissa values; they are treated as special whatever the exponent, so that
   * a device's NaN is never read as 2047 × 10^e.
   */
  static GattNumber sfloat(int raw) {
    int mantissaBits = raw & 0x0FFF;
    String name =
        specialName(
            mantissaBits,
            SFLOAT_NAN,
            SFLOAT_NRES,
            SFLOAT_POSITIVE_INFINITY,
            SFLOAT_NEGATIVE_INFINITY,
            SFLOAT_RESERVED);
    if (name != null) {
      return new GattNumber(null, "SFLOAT " + name + " (" + hex(raw, 4) + ")");
    }
    int mantissa = (mantissaBits << 20) >> 20;
    int exponent = ((raw & 0xF000) << 16) >> 28;
    return new GattNumber(BigDecimal.valueOf(mantissa).scaleByPowerOfTen(exponent), null);
  }

  /** Decodes a 32-bit FLOAT: 8-bit signed exponent (high byte), 24-bit signed mantissa. */
  static GattNumber float32(long raw) {
    int bits = (int) raw;
    int mantissaBits = bits & 0x00FFFFFF;
    String name =
        specialName(
            mantissaBits,
            FLOAT_NAN,
            FLOAT_NRES,
            FLOAT_POSITIVE_INFINITY,
            FLOAT_NEGATIVE_INFINITY,
            FLOAT_RESERVED);
    if (name != null) {
      return new GattNumber(null, "FLOAT " + name + " (" + hex(bits & 0xFFFFFFFFL, 8) + ")");
    }
    int mantissa = (mantissaBits << 8) >> 8;
    int exponent = bits >> 24;
    return new GattNumber(BigDecimal.valueOf(mantissa).scaleByPowerOfTen(exponent), null);
  }

  private static String specialName(
      int mantissaBits, int nan, int nres, int posInf, int negInf, int reserved) {
    if (mantissaBits == nan) {
      return "NaN";
    }
    if (mantissaBits == nres) {
      return "NRes";
    }
    if (mantissaBits == posInf) {
      return "+INF";
    }
    if (mantissaBits == negInf) {
      return "-INF";
    }
    if (mantissaBits == reserved) {
      return "reserved value";
    }
    return null;
  }

  static String hex(long value, int digits) {
    return String.format(java.util.Locale.ROOT, "0x%0" + digits + "X", value);
  }
}
