package org.vitalbridge.fhir;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.vitalbridge.core.model.Measurement;

/**
 * Provenance for the Observations made from one raw message: the device that measured, the raw
 * message (by its journal id) and the mapping template and version that turned it into data.
 */
final class ProvenanceMapper {
  private ProvenanceMapper() {}

  static Provenance provenance(
      Measurement sample, List<String> observationFullUrls, Reference device) {
    Provenance p = new Provenance();
    observationFullUrls.forEach(url -> p.addTarget(new Reference(url)));
    p.setRecorded(Date.from(sample.receivedAt()));
    p.setActivity(ObservationMapper.concept(FhirSystems.PROVENANCE_ACTIVITY, "CREATE", "create"));
    p.addAgent()
        .setType(
            ObservationMapper.concept(FhirSystems.PROVENANCE_PARTICIPANT, "performer", "Performer"))
        .setWho(device);
    String rawId = sample.provenance().rawMessageId();
    String mapping = sample.provenance().mapping();
    if (rawId != null) {
      p.addEntity()
          .setRole(Provenance.ProvenanceEntityRole.SOURCE)
          .setWhat(
              new Reference()
                  .setIdentifier(
                      new Identifier().setSystem(FhirSystems.RAW_MESSAGE).setValue(rawId))
                  .setDisplay(
                      "raw message " + rawId + (mapping == null ? "" : ", mapped by " + mapping)));
    }
    if (mapping != null) {
      p.addPolicy("http://vitalbridge.org/fhir/mapping/" + mapping.replace('@', '/'));
    }
    return p;
  }
}
