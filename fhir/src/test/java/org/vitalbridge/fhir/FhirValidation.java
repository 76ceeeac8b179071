package org.vitalbridge.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's FhirInstanceValidator against R4 core and the vital-signs profiles, built from local
 * support only (no terminology server: this machine has no network). LOINC and MDC cannot be
 * checked offline, so "unknown code system" findings are reported as warnings, not errors; every
 * other error fails the test.
 */
final class FhirValidation {
  static final FhirContext CTX = FhirContext.forR4Cached();
  private static final FhirValidator VALIDATOR = build();

  private FhirValidation() {}

  private static FhirValidator build() {
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(CTX),
            new InMemoryTerminologyServerValidationSupport(CTX),
            new CommonCodeSystemsTerminologyService(CTX),
            new SnapshotGeneratingValidationSupport(CTX));
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    module.setAnyExtensionsAllowed(true);
    return CTX.newValidator().registerValidatorModule(module);
  }

  /** Errors that are not about code systems we cannot load offline. */
  static List<String> errors(IBaseResource resource) {
    return VALIDATOR.validateWithResult(resource).getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .filter(m -> !isOfflineTerminologyGap(m))
        .map(m -> m.getLocationString() + ": " + m.getMessage())
        .toList();
  }

  static List<String> all(IBaseResource resource) {
    return VALIDATOR.validateWithResult(resource).getMessages().stream()
        .map(m -> m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
        .toList();
  }

  private static boolean isOfflineTerminologyGap(SingleValidationMessage m) {
    String text = m.getMessage();
    return (text.contains("http://loinc.org") || text.contains("urn:iso:std:iso:11073:10101"))
        && (text.contains("could not be found")
            || text.contains("Unknown code system")
            || text.contains("unknown")
            || text.contains("not found"));
  }
}
