package org.vitalbridge.mqtt;

/**
 * The MQTT 5 reason codes VitalBridge answers a PUBLISH with (PUBACK for QoS 1, PUBREC for QoS 2).
 * Codes of {@code 0x80} and above tell the device its message was not accepted as data.
 */
enum ReasonCode {
  /** Journaled; at least one measurement came out of it (any others are quarantined). */
  SUCCESS(0x00),
  /** Not stored: the journal commit failed or did not finish within {@code mqtt.commitTimeout}. */
  UNSPECIFIED_ERROR(0x80),
  /** Journaled, but every reading was rejected (quarantined). */
  IMPLEMENTATION_SPECIFIC_ERROR(0x83),
  /** The topic's device is not the client certificate's CN (quarantined). */
  NOT_AUTHORIZED(0x87),
  /** No routing rule takes the topic (quarantined). */
  TOPIC_NAME_INVALID(0x90),
  /** Journal back-pressure (not stored), or a payload over the limit (its head quarantined). */
  QUOTA_EXCEEDED(0x97),
  /** Not JSON, or the template cannot read it (quarantined). */
  PAYLOAD_FORMAT_INVALID(0x99);

  private final int value;

  ReasonCode(int value) {
    this.value = value;
  }

  int value() {
    return value;
  }

  byte byteValue() {
    return (byte) value;
  }

  boolean isError() {
    return value >= 0x80;
  }

  String hex() {
    return String.format("0x%02X", value);
  }
}
