package org.vitalbridge.devices.ble;

import java.io.ByteArrayOutputStream;

/** Builds little-endian characteristic values for tests. */
final class GattBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static GattBytes flags(int flags) {
    return new GattBytes().u8(flags);
  }

  GattBytes u8(int v) {
    out.write(v & 0xFF);
    return this;
  }

  GattBytes u16(int v) {
    return u8(v).u8(v >> 8);
  }

  GattBytes u24(int v) {
    return u16(v).u8(v >> 16);
  }

  GattBytes u32(long v) {
    return u16((int) v).u16((int) (v >> 16));
  }

  /** An SFLOAT m × 10^e. */
  GattBytes sfloat(int mantissa, int exponent) {
    return u16((exponent & 0xF) << 12 | (mantissa & 0xFFF));
  }

  /** A FLOAT m × 10^e. */
  GattBytes float32(int mantissa, int exponent) {
    return u32(((long) (exponent & 0xFF) << 24) | (mantissa & 0xFFFFFF));
  }

  GattBytes dateTime(int year, int month, int day, int hours, int minutes, int seconds) {
    return u16(year).u8(month).u8(day).u8(hours).u8(minutes).u8(seconds);
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  String hex() {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes()) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(String.format("%02X", x & 0xFF));
    }
    return b.toString();
  }
}
