package org.vitalbridge.devices.phd;

/**
 * Bytes that are not the MDER structure expected at {@link #offset()}. Never leaves the package:
 * the public entry points turn it into a rejection (or an ABRT on the wire).
 */
final class MderException extends RuntimeException {
  private final int offset;

  MderException(int offset, String message) {
    super(message + " at offset " + offset);
    this.offset = offset;
  }

  int offset() {
    return offset;
  }
}
