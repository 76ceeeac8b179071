package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import java.util.regex.Pattern;

/**
 * OBX-5 of an SN (structured numeric) row: comparator^num1^separator/suffix^num2 (HL7 v2.6 chapter
 * 2A). Only an exact number, {@code ^97} or {@code =^97}, is a measurement value; a comparator
 * ({@code <^90}), a range ({@code ^90^-^100}) or a ratio ({@code ^1^:^2}) is not, and storing its
 * num1 as the value would state something the device did not measure.
 */
final class ObxStructuredNumeric {
  /** An HL7 NM value: optional sign, digits, optional decimal point (no exponent). */
  private static final Pattern NM = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

  private ObxStructuredNumeric() {}

  /** The number of an exact SN value, {@code null} when the value is not one exact number. */
  static String exactNumber(Type value) {
    Type t = value instanceof Varies v ? v.getData() : value;
    if (!(t instanceof Composite sn)) {
      return null;
    }
    Type[] parts = sn.getComponents();
    String comparator = text(parts, 0);
    String number = text(parts, 1);
    boolean exact = comparator.isEmpty() || comparator.equals("=");
    boolean alone = text(parts, 2).isEmpty() && text(parts, 3).isEmpty();
    return exact && alone && NM.matcher(number).matches() ? number : null;
  }

  private static String text(Type[] parts, int i) {
    if (i >= parts.length) {
      return "";
    }
    Type t = parts[i] instanceof Varies v ? v.getData() : parts[i];
    String s = t instanceof Primitive p ? p.getValue() : null;
    return s == null ? "" : s.strip();
  }
}
