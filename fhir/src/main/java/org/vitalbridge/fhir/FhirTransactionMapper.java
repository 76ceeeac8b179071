package org.vitalbridge.fhir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.terminology.Terminology;

/**
 * Measurements to one FHIR R4 transaction Bundle: each Device once (conditional update on its
 * identifier; VMD and channel Devices below it when the measurement's containment names them, see
 * {@link DeviceMapper}), each Observation as a conditional create on the measurement's
 * deterministic identifier (a resend changes nothing) — or, for a measurement that changed after it
 * was queued (a new status, another patient), a conditional update on it — with {@code device} =
 * the most specific of those Devices (channel, else VMD, else MDS), and one Provenance per raw
 * message under a deterministic id (PUT, idempotent). The single entry point for the CLI and the
 * FHIR destination.
 */
public final class FhirTransactionMapper {
  private final ObservationMapper observations;
  private final DeviceMapper devices;

  public FhirTransactionMapper(Terminology terminology, FhirMappingOptions options) {
    this.observations = new ObservationMapper(terminology, options);
    this.devices = new DeviceMapper(options);
  }

  public Bundle transaction(List<Measurement> measurements) {
    return transaction(measurements, Set.of());
  }

  /**
   * As {@link #transaction(List)}, but the Observations of the measurements in {@code updates} (a
   * panel when any member is) go as a conditional update on their identifier, {@code PUT
   * Observation?identifier=…}: the server may hold an earlier version (another status, another
   * patient), which a conditional create would leave as it is. Without a match it creates.
   */
  public Bundle transaction(List<Measurement> measurements, Set<UUID> updates) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    DeviceEntries deviceEntries = new DeviceEntries(bundle, devices);
    for (Measurement m : measurements) {
      deviceEntries.chain(m);
    }
    Map<String, List<String>> targetsByRaw = new LinkedHashMap<>();
    Map<String, Measurement> sampleByRaw = new LinkedHashMap<>();
    BloodPressurePanels.Grouping grouping = BloodPressurePanels.group(measurements);
    for (BloodPressurePanels.Panel panel : grouping.panels()) {
      String id = BloodPressurePanels.panelId(panel);
      Measurement first = panel.first();
      Observation o =
          BloodPressurePanels.observation(panel, observations, deviceEntries.common(panel.all()));
      boolean update = panel.all().stream().anyMatch(m -> updates.contains(m.id()));
      addObservation(bundle, id, o, update);
      track(targetsByRaw, sampleByRaw, first, "urn:uuid:" + id);
    }
    for (Measurement m : grouping.singles()) {
      String id = m.id().toString();
      addObservation(
          bundle,
          id,
          observations.observation(m, deviceEntries.mostSpecific(m)),
          updates.contains(m.id()));
      track(targetsByRaw, sampleByRaw, m, "urn:uuid:" + id);
    }
    for (Map.Entry<String, List<String>> e : targetsByRaw.entrySet()) {
      Measurement sample = sampleByRaw.get(e.getKey());
      Provenance p = ProvenanceMapper.provenance(sample, e.getValue(), deviceEntries.mds(sample));
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

  /**
   * The Device entries of one bundle, each added once (conditional update on its identifier): the
   * MDS per device id and, below it, the VMD and channel Devices the measurements' containment
   * names, each with {@code parent} pointing one level up.
   */
  private static final class DeviceEntries {
    private final Bundle bundle;
    private final DeviceMapper mapper;
    private final Map<DeviceId, Reference> mds = new LinkedHashMap<>();
    private final Map<String, Reference> components = new HashMap<>();
    private final Map<Measurement, List<Reference>> chains = new IdentityHashMap<>();

    DeviceEntries(Bundle bundle, DeviceMapper mapper) {
      this.bundle = bundle;
      this.mapper = mapper;
    }

    /** The measurement's devices from the MDS down to the most specific one, added if new. */
    List<Reference> chain(Measurement m) {
      return chains.computeIfAbsent(m, this::build);
    }

    private List<Reference> build(Measurement m) {
      Reference root =
          mds.computeIfAbsent(
              m.device(),
              id ->
                  add(
                      "urn:uuid:" + MeasurementIds.derived("device\n" + id.value()),
                      mapper.device(id),
                      mapper.conditionalUrl(id)));
      List<Reference> chain = new ArrayList<>(3);
      chain.add(root);
      for (DeviceMapper.Component c : mapper.components(m.device(), m.containment())) {
        Reference parent = chain.get(chain.size() - 1);
        Identifier i = c.identifier();
        chain.add(
            components.computeIfAbsent(
                i.getSystem() + "|" + i.getValue(),
                key ->
                    add(
                        "urn:uuid:" + MeasurementIds.derived("device-component\n" + key),
                        mapper.component(c, parent),
                        mapper.conditionalUrl(i))));
      }
      return List.copyOf(chain);
    }

    Reference mds(Measurement m) {
      return chain(m).get(0);
    }

    /** The channel, else the VMD, else the MDS. */
    Reference mostSpecific(Measurement m) {
      List<Reference> chain = chain(m);
      return chain.get(chain.size() - 1);
    }

    /** The most specific device all the measurements share (they share the MDS). */
    Reference common(List<Measurement> ms) {
      List<Reference> shared = chain(ms.get(0));
      for (Measurement m : ms.subList(1, ms.size())) {
        List<Reference> other = chain(m);
        int n = 0;
        while (n < shared.size() && n < other.size() && shared.get(n) == other.get(n)) {
          n++;
        }
        shared = shared.subList(0, n);
      }
      return shared.isEmpty() ? chain(ms.get(0)).get(0) : shared.get(shared.size() - 1);
    }

    private Reference add(String fullUrl, Device device, String conditionalUrl) {
      bundle
          .addEntry()
          .setFullUrl(fullUrl)
          .setResource(device)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl(conditionalUrl);
      return new Reference(fullUrl);
    }
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

  private static void addObservation(Bundle bundle, String id, Observation o, boolean update) {
    String identifier = "identifier=" + FhirSystems.URI + "|urn:uuid:" + id;
    Bundle.BundleEntryRequestComponent request =
        bundle.addEntry().setFullUrl("urn:uuid:" + id).setResource(o).getRequest();
    if (update) {
      request.setMethod(Bundle.HTTPVerb.PUT).setUrl("Observation?" + identifier);
    } else {
      request.setMethod(Bundle.HTTPVerb.POST).setUrl("Observation").setIfNoneExist(identifier);
    }
  }
}
