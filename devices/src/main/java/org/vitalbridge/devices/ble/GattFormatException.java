package org.vitalbridge.devices.ble;

import org.vitalbridge.core.model.RejectionReason;

/**
 * A characteristic value that does not have the structure its flags announce (too short, an odd
 * number of bytes where 16-bit fields follow). The whole notification is rejected: a partly read
 * structure cannot be trusted. Also a device time that is not a date-time (month 13): the values
 * are not stored with a guessed time.
 */
final class GattFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RejectionReason reason;
  private final int offset;
  private final String field;

  GattFormatException(int offset, String field, String message) {
    this(RejectionReason.MALFORMED_PAYLOAD, offset, field, message);
  }

  GattFormatException(RejectionReason reason, int offset, String field, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.offset = offset;
    this.field = field;
  }

  RejectionReason reason() {
    return reason;
  }

  int offset() {
    return offset;
  }

  String field() {
    return field;
  }
}
