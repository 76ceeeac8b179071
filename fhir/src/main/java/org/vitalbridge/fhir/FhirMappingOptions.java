package org.vitalbridge.fhir;

import java.util.Objects;

/**
 * Identifier systems of the site: which system a patient id and a (non EUI-64) device id belong to.
 */
public record FhirMappingOptions(String patientIdentifierSystem, String deviceIdentifierSystem) {
  public static final FhirMappingOptions DEFAULTS =
      new FhirMappingOptions(
          "http://vitalbridge.org/fhir/NamingSystem/patient-id",
          "http://vitalbridge.org/fhir/NamingSystem/device-id");

  public FhirMappingOptions {
    Objects.requireNonNull(patientIdentifierSystem, "patientIdentifierSystem");
    Objects.requireNonNull(deviceIdentifierSystem, "deviceIdentifierSystem");
  }
}
