package org.vitalbridge.fhir;

/** Code systems, identifier systems and profiles used in the resources we produce. */
final class FhirSystems {
  static final String LOINC = "http://loinc.org";
  static final String MDC = "urn:iso:std:iso:11073:10101";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String OBSERVATION_CATEGORY =
      "http://terminology.hl7.org/CodeSystem/observation-category";
  static final String INTERPRETATION =
      "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
  static final String PROVENANCE_PARTICIPANT =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
  static final String PROVENANCE_ACTIVITY =
      "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

  /** RFC 3986 URIs: our measurement ids as {@code urn:uuid:…}. */
  static final String URI = "urn:ietf:rfc:3986";

  /** IEEE EUI-64 system identifiers, as the HL7 PHD IG identifies devices. */
  static final String EUI64 = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";

  static final String FLAG = "http://vitalbridge.org/fhir/CodeSystem/measurement-flag";
  static final String RAW_MESSAGE = "http://vitalbridge.org/fhir/NamingSystem/raw-message";
  static final String VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/";

  private FhirSystems() {}
}
