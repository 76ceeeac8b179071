package org.vitalbridge.fhir;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Value;

/**
 * Blood pressure as the FHIR vital-signs profile wants it: one Observation with LOINC 85354-9 and
 * systolic (8480-6) and diastolic (8462-4) components. The mean (8478-0), when measured at the same
 * time, is a third component of the same panel: one reading, one resource. Systolic and diastolic
 * of the same device, family (NIBP, ART, ABP) and instant form a panel; a part without its partner
 * stays a single Observation.
 */
final class BloodPressurePanels {
  private enum Role {
    SYSTOLIC,
    DIASTOLIC,
    MEAN
  }

  private record Family(String name, Integer panelMdc, String panelRefId) {}

  private static final Family NIBP = new Family("NIBP", 150020, "MDC_PRESS_BLD_NONINV");
  private static final Family ART = new Family("ART", null, null);
  private static final Family ABP = new Family("ABP", null, null);

  private static final Map<Integer, Family> FAMILY =
      Map.of(
          150021, NIBP, 150022, NIBP, 150023, NIBP, 150033, ART, 150034, ART, 150035, ART, 150037,
          ABP, 150038, ABP, 150039, ABP);
  private static final Map<Integer, Role> ROLE =
      Map.of(
          150021,
          Role.SYSTOLIC,
          150022,
          Role.DIASTOLIC,
          150023,
          Role.MEAN,
          150033,
          Role.SYSTOLIC,
          150034,
          Role.DIASTOLIC,
          150035,
          Role.MEAN,
          150037,
          Role.SYSTOLIC,
          150038,
          Role.DIASTOLIC,
          150039,
          Role.MEAN);

  /** A complete panel: its members by role. */
  record Panel(Map<Role, Measurement> members) {
    Measurement first() {
      return members.get(Role.SYSTOLIC);
    }

    List<Measurement> all() {
      return List.copyOf(members.values());
    }
  }

  private BloodPressurePanels() {}

  /** Whether a measurement of this MDC code can be part of a panel. */
  static boolean isMember(int mdc) {
    return FAMILY.containsKey(mdc);
  }

  /** Splits measurements into complete panels and the rest (in their original order). */
  static Grouping group(List<Measurement> measurements) {
    Map<String, Map<Role, Measurement>> candidates = new LinkedHashMap<>();
    for (Measurement m : measurements) {
      Family f = FAMILY.get(m.metric().mdc());
      if (f != null && m.value() instanceof Value.Quantity) {
        String key = m.device().value() + '|' + f.name() + '|' + m.observedAt() + '|' + m.subject();
        candidates
            .computeIfAbsent(key, k -> new LinkedHashMap<>())
            .putIfAbsent(ROLE.get(m.metric().mdc()), m);
      }
    }
    List<Panel> panels = new ArrayList<>();
    List<Measurement> inPanels = new ArrayList<>();
    for (Map<Role, Measurement> group : candidates.values()) {
      if (group.containsKey(Role.SYSTOLIC) && group.containsKey(Role.DIASTOLIC)) {
        panels.add(new Panel(group));
        inPanels.addAll(group.values());
      }
    }
    List<Measurement> singles =
        measurements.stream().filter(m -> !inPanels.contains(m)).collect(Collectors.toList());
    return new Grouping(panels, singles);
  }

  record Grouping(List<Panel> panels, List<Measurement> singles) {}

  /** The panel's own deterministic id: derived from its members' ids. */
  static String panelId(Panel p) {
    return MeasurementIds.derived(
            "bp-panel\n"
                + p.all().stream()
                    .map(m -> m.id().toString())
                    .sorted(Comparator.naturalOrder())
                    .collect(Collectors.joining("\n")))
        .toString();
  }

  /**
   * The panel's status: retracted when any member is (the reading as a whole was wrong), else
   * amended when any member is, else preliminary while any member is, else final.
   */
  static MeasurementStatus status(Panel p) {
    for (MeasurementStatus s :
        List.of(
            MeasurementStatus.ENTERED_IN_ERROR,
            MeasurementStatus.AMENDED,
            MeasurementStatus.PRELIMINARY)) {
      if (p.all().stream().anyMatch(m -> m.status() == s)) {
        return s;
      }
    }
    return MeasurementStatus.FINAL;
  }

  static Observation observation(Panel p, ObservationMapper mapper, Reference device) {
    Measurement sys = p.first();
    Observation o = mapper.base(sys.withStatus(status(p)), VitalSigns.BP_PANEL, device);
    o.addIdentifier(ObservationMapper.identifier(panelId(p)));
    for (Measurement m : p.all()) {
      o.addIdentifier(
          ObservationMapper.identifier(m.id().toString())
              .setUse(org.hl7.fhir.r4.model.Identifier.IdentifierUse.SECONDARY));
    }
    CodeableConcept code = new CodeableConcept();
    code.addCoding()
        .setSystem(FhirSystems.LOINC)
        .setCode(VitalSigns.BP_PANEL)
        .setDisplay("Blood pressure panel with all children optional");
    Family f = Objects.requireNonNull(FAMILY.get(sys.metric().mdc()));
    if (f.panelMdc() != null) {
      code.addCoding()
          .setSystem(FhirSystems.MDC)
          .setCode(f.panelMdc().toString())
          .setDisplay(f.panelRefId());
    }
    code.setText(f.name() + " blood pressure");
    o.setCode(code);
    for (Role role : Role.values()) {
      Measurement m = p.members().get(role);
      if (m != null) {
        o.addComponent()
            .setCode(mapper.code(m.metric()))
            .setValue(ObservationMapper.quantity((Value.Quantity) m.value()));
      }
    }
    return o;
  }
}
