package org.vitalbridge.fhir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.terminology.Terminology;

/**
 * Measurements to one FHIR R4 transaction Bundle: each Device once (conditional update on its
 * identifier), each Observation as a conditional create on the measurement's deterministic
 * identifier (a resend changes nothing), and one Provenance per raw message under a deterministic
 * id (PUT, idempotent). The single entry point for the CLI and the FHIR destination.
 */
public final class FhirTransactionMapper {
  private final ObservationMapper observations;
  private final DeviceMapper devices;

  public FhirTransactionMapper(Terminology terminology, FhirMappingOptions options) {
    this.observations = new ObservationMapper(terminology, options);
    this.devices = new DeviceMapper(options);
  }

  public Bundle transaction(List<Measurement> measurements) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Map<DeviceId, Reference> deviceRefs = new LinkedHashMap<>();
    for (Measurement m : measurements) {
      deviceRefs.computeIfAbsent(
          m.device(),
          id -> {
            String fullUrl = "urn:uuid:" + MeasurementIds.derived("device\n" + id.value());
            bundle
                .addEntry()
                .setFullUrl(fullUrl)
                .setResource(devices.device(id))
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(devices.conditionalUrl(id));
            return new Reference(fullUrl);
          });
    }
    Map<String, List<String>> targetsByRaw = new LinkedHashMap<>();
    Map<String, Measurement> sampleByRaw = new LinkedHashMap<>();
    BloodPressurePanels.Grouping grouping = BloodPressurePanels.group(measurements);
    for (BloodPressurePanels.Panel panel : grouping.panels()) {
      String id = BloodPressurePanels.panelId(panel);
      Measurement first = panel.first();
      Observation o =
          BloodPressurePanels.observation(panel, observations, deviceRefs.get(first.device()));
      addObservation(bundle, id, o);
      track(targetsByRaw, sampleByRaw, first, "urn:uuid:" + id);
    }
    for (Measurement m : grouping.singles()) {
      String id = m.id().toString();
      addObservation(bundle, id, observations.observation(m, deviceRefs.get(m.device())));
      track(targetsByRaw, sampleByRaw, m, "urn:uuid:" + id);
    }
    for (Map.Entry<String, List<String>> e : targetsByRaw.entrySet()) {
      Measurement sample = sampleByRaw.get(e.getKey());
      Provenance p =
          ProvenanceMapper.provenance(sample, e.getValue(), deviceRefs.get(sample.device()));
      String id =
          MeasurementIds.derived(
                  "provenance\n" + e.getKey() + "\n" + String.join("\n", e.getValue()))
              .toString();
      p.setId(id);
      bundle
          .addEntry()
          .setFullUrl("urn:uuid:" + id)
          .setResource(p)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl("Provenance/" + id);
    }
    return bundle;
  }

  private static void track(
      Map<String, List<String>> targets,
      Map<String, Measurement> samples,
      Measurement m,
      String url) {
    String raw = m.provenance().rawMessageId() == null ? "" : m.provenance().rawMessageId();
    targets.computeIfAbsent(raw, k -> new ArrayList<>()).add(url);
    samples.putIfAbsent(raw, m);
  }

  private static void addObservation(Bundle bundle, String id, Observation o) {
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:" + id)
        .setResource(o)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Observation")
        .setIfNoneExist("identifier=" + FhirSystems.URI + "|urn:uuid:" + id);
  }
}
