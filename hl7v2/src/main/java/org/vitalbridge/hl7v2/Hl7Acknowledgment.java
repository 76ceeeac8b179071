package org.vitalbridge.hl7v2;

import java.util.List;

/**
 * An acknowledgment: AA, AE or AR, the errors reported in ERR segments, and the ER7 text.
 *
 * @param controlId MSH-10 of the acknowledged message
 */
public record Hl7Acknowledgment(String code, String controlId, List<Error> errors, String er7) {
  public Hl7Acknowledgment {
    errors = List.copyOf(errors);
  }

  /**
   * One ERR segment.
   *
   * @param location ERR-2 as {@code SEG^sequence^field}, e.g. {@code OBX^2^5}
   * @param code ERR-3, HL7 table 0357
   */
  public record Error(String location, String code, String text) {}
}
