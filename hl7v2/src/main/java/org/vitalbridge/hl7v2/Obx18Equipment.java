package org.vitalbridge.hl7v2;

import ca.uhn.hl7v2.model.v26.datatype.EI;
import ca.uhn.hl7v2.model.v26.segment.OBX;

/**
 * OBX-18 equipment instance identifier as the device id. IHE PCD TF-2 puts the device's EUI-64 in
 * EI-1 and EI-3 with EI-4 {@code EUI-64}; senders fill in only one of the two, and some repeat the
 * field with a serial number first. The EUI-64 repetition wins (EI-1, else EI-3); without one, the
 * first identifier written.
 */
final class Obx18Equipment {
  private static final String EUI_64 = "EUI-64";

  private Obx18Equipment() {}

  /** The device id, {@code null} when OBX-18 names none. */
  static String id(OBX obx) {
    String first = null;
    for (int i = 0; i < obx.getEquipmentInstanceIdentifierReps(); i++) {
      EI ei = obx.getEquipmentInstanceIdentifier(i);
      String id =
          or(strip(ei.getEntityIdentifier().getValue()), strip(ei.getUniversalID().getValue()));
      if (id == null) {
        continue;
      }
      // EI-2 as the type is an older spelling (0123456789ABCDEF^EUI-64) still seen in the field.
      if (EUI_64.equalsIgnoreCase(strip(ei.getUniversalIDType().getValue()))
          || EUI_64.equalsIgnoreCase(strip(ei.getNamespaceID().getValue()))) {
        return id;
      }
      first = or(first, id);
    }
    return first;
  }

  private static String strip(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }
}
