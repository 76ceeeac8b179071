package org.vitalbridge.core.model;

/** Machine-readable reasons a message or reading is rejected; the code is what APIs show. */
public enum RejectionReason {
  MISSING_FIELD("missing-field"),
  NOT_NUMERIC("not-numeric"),
  OUT_OF_RANGE("out-of-range"),
  UNKNOWN_METRIC("unknown-metric"),
  UNIT_UNKNOWN("unit-unknown"),
  UNIT_INCOMPATIBLE("unit-incompatible"),
  BAD_TIMESTAMP("bad-timestamp"),
  MALFORMED_PAYLOAD("malformed-payload"),
  NO_TEMPLATE("no-template"),
  /** A value of a type the receiver does not turn into measurements (e.g. HL7 OBX-2 CWE, NA). */
  UNSUPPORTED_VALUE("unsupported-value"),
  /** A message type, event, version or processing id the receiver does not handle. */
  UNSUPPORTED_MESSAGE("unsupported-message"),
  PAYLOAD_TOO_LARGE("payload-too-large"),
  /** No routing rule maps the channel (an MQTT topic, a URL) to a template. */
  UNROUTED("unrouted"),
  /** The sender may not send this (identity, topic or device not its own). */
  NOT_AUTHORIZED("not-authorized"),
  /** A result status the receiver does not know or support (e.g. an HL7 OBX-11 outside 0085). */
  UNSUPPORTED_STATUS("unsupported-status"),
  /** A retraction (entered-in-error) that names no stored measurement: nothing was retracted. */
  UNMATCHED_RETRACTION("unmatched-retraction"),
  /**
   * The device said it has no value here (an IEEE 11073 special value such as NaN or NRes, a
   * dash-filled field): kept visibly with that reason, never turned into a number.
   */
  NO_VALUE("no-value");

  private final String code;

  RejectionReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The reason with {@code code}, if any. */
  public static java.util.Optional<RejectionReason> ofCode(String code) {
    for (RejectionReason r : values()) {
      if (r.code.equals(code)) {
        return java.util.Optional.of(r);
      }
    }
    return java.util.Optional.empty();
  }
}
