package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.model.v26.datatype.CWE;

/**
 * The label of an OBX-3 observation identifier for the terminology: the MDC code (else its
 * reference id). PCD-01 senders put MDC first; some put LOINC or a local code first and MDC as the
 * alternate coding (CWE-4..6). A LOINC code cannot stand in for MDC (8867-4 is both ECG heart rate
 * and oximeter pulse rate), so an MDC alternate wins over a primary in another system.
 */
final class Obx3Label {
  private static final String MDC = "MDC";

  private Obx3Label() {}

  static String of(CWE id) {
    String primarySystem = strip(id.getNameOfCodingSystem().getValue());
    if (primarySystem != null
        && !MDC.equalsIgnoreCase(primarySystem)
        && MDC.equalsIgnoreCase(strip(id.getNameOfAlternateCodingSystem().getValue()))) {
      String alternate =
          label(id.getAlternateIdentifier().getValue(), id.getAlternateText().getValue());
      if (alternate != null) {
        return alternate;
      }
    }
    return label(id.getIdentifier().getValue(), id.getText().getValue());
  }

  /** A numeric code as it is; else the text (an MDC reference id, or a name), else the code. */
  private static String label(String code, String text) {
    String c = strip(code);
    if (c != null && c.chars().allMatch(Character::isDigit)) {
      return c;
    }
    String t = strip(text);
    return t != null ? t : c;
  }

  private static String strip(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
