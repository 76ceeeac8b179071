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
  PAYLOAD_TOO_LARGE("payload-too-large");

  private final String code;

  RejectionReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
