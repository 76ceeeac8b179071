package org.vitalbridge.devices.phd;

import java.io.ByteArrayOutputStream;

/** Big-endian MDER writer for the APDUs the manager (and the test agent) sends. */
final class MderWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

  MderWriter u8(int v) {
    out.write(v & 0xFF);
    return this;
  }

  MderWriter u16(int v) {
    out.write((v >>> 8) & 0xFF);
    out.write(v & 0xFF);
    return this;
  }

  MderWriter u32(long v) {
    u16((int) (v >>> 16));
    return u16((int) v);
  }

  MderWriter bytes(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  /** {@code b} preceded by its u16 length (octet string, Any). */
  MderWriter lengthPrefixed(byte[] b) {
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("MDER length over 65535: " + b.length);
    }
    u16(b.length);
    return bytes(b);
  }

  int size() {
    return out.size();
  }

  byte[] toBytes() {
    return out.toByteArray();
  }
}
