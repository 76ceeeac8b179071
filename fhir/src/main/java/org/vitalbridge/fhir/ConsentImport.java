package org.vitalbridge.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.vitalbridge.store.Consents;

/**
 * FHIR R4 {@code Consent} resources (one, or a Bundle of them) as VitalBridge consent decisions.
 * The patient is the reference's identifier value (VitalBridge knows patients by identifier, as
 * associations name them), else the id of a {@code Patient/…} reference. An active Consent decides
 * by {@code provision.type} over {@code provision.period}; an inactive, rejected or
 * entered-in-error one records a deny under the same source, so importing the withdrawal replaces
 * the permit.
 */
public final class ConsentImport {
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private ConsentImport() {}

  /** Whether a JSON body is a FHIR resource rather than VitalBridge's simple form. */
  public static boolean isFhir(String json) {
    return json.contains("\"resourceType\"");
  }

  /** The decisions of a Consent or a Bundle of Consents; throws with a reason a sender can fix. */
  public static List<Consents.Consent> parse(String json) {
    IBaseResource resource;
    try {
      IParser parser = FHIR.newJsonParser();
      resource = parser.parseResource(json);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not a FHIR R4 resource: " + e.getMessage());
    }
    List<Consents.Consent> out = new ArrayList<>();
    if (resource instanceof Consent c) {
      out.add(consent(c));
    } else if (resource instanceof Bundle b) {
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        if (!(e.getResource() instanceof Consent c)) {
          throw new IllegalArgumentException("a Bundle of Consent resources only");
        }
        out.add(consent(c));
      }
    } else {
      throw new IllegalArgumentException("a Consent (or a Bundle of them) is expected");
    }
    return out;
  }

  private static Consents.Consent consent(Consent c) {
    String patient = patient(c.getPatient());
    if (patient == null) {
      throw new IllegalArgumentException(
          "Consent.patient must carry an identifier value or a Patient/{id} reference");
    }
    String source =
        c.getIdElement().hasIdPart() ? "Consent/" + c.getIdElement().getIdPart() : "fhir";
    Consents.State state = Consents.State.DENY;
    Instant start = null;
    Instant end = null;
    if (c.getStatus() == Consent.ConsentState.ACTIVE) {
      if (!c.hasProvision() || !c.getProvision().hasType()) {
        throw new IllegalArgumentException("an active Consent needs provision.type permit or deny");
      }
      state =
          c.getProvision().getType() == Consent.ConsentProvisionType.PERMIT
              ? Consents.State.PERMIT
              : Consents.State.DENY;
      Period p = c.getProvision().getPeriod();
      if (p != null) {
        start = p.hasStart() ? p.getStart().toInstant() : null;
        end = p.hasEnd() ? p.getEnd().toInstant() : null;
      }
    } else if (c.getStatus() == null
        || c.getStatus() == Consent.ConsentState.DRAFT
        || c.getStatus() == Consent.ConsentState.PROPOSED) {
      throw new IllegalArgumentException(
          "Consent.status must be active, inactive, rejected or entered-in-error");
    }
    return new Consents.Consent(patient, source, state, start, end, null);
  }

  private static String patient(Reference r) {
    if (r == null) {
      return null;
    }
    if (r.hasIdentifier() && r.getIdentifier().hasValue()) {
      return r.getIdentifier().getValue();
    }
    if (r.hasReference()
        && r.getReferenceElement().getResourceType() != null
        && r.getReferenceElement().getResourceType().equals("Patient")) {
      return r.getReferenceElement().getIdPart();
    }
    return null;
  }
}
