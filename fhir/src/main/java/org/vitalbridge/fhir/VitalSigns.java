package org.vitalbridge.fhir;

import java.util.Map;
import java.util.Set;

/**
 * Which LOINC codes are FHIR R4 vital signs, with the core vital-signs profile each must meet
 * (hl7.org/fhir/R4/observation-vitalsigns.html). SpO2 is profiled by 2708-6, which we add next to
 * the pulse-oximetry code 59408-5.
 */
final class VitalSigns {
  static final String BP_PANEL = "85354-9";
  static final String SYSTOLIC = "8480-6";
  static final String DIASTOLIC = "8462-4";
  static final String MEAN = "8478-0";
  static final String SPO2_PROFILED = "2708-6";

  private static final Map<String, String> PROFILE =
      Map.of(
          "8867-4",
          "heartrate",
          "59408-5",
          "oxygensat",
          "2708-6",
          "oxygensat",
          "9279-1",
          "resprate",
          "8310-5",
          "bodytemp",
          "8302-2",
          "bodyheight",
          "29463-7",
          "bodyweight",
          "39156-5",
          "bmi",
          BP_PANEL,
          "bp");

  /** Vital signs in FHIR's sense but without a dedicated profile here (blood pressure parts). */
  private static final Set<String> OTHER_VITALS = Set.of(SYSTOLIC, DIASTOLIC, MEAN);

  private VitalSigns() {}

  static boolean isVitalSign(String loinc) {
    return loinc != null && (PROFILE.containsKey(loinc) || OTHER_VITALS.contains(loinc));
  }

  /** The profile URL for a LOINC code, or {@code null}. */
  static String profile(String loinc) {
    String name = loinc == null ? null : PROFILE.get(loinc);
    return name == null ? null : FhirSystems.VITAL_SIGNS_PROFILE + name;
  }
}
