package org.vitalbridge.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.terminology.Terminology;
import org.vitalbridge.core.terminology.TerminologyLoader;

class FhirTransactionMapperTest {
  private static final Terminology TERMS = TerminologyLoader.shipped();
  private static final Instant AT = Instant.parse("2026-11-24T10:15:00Z");
  private final FhirTransactionMapper mapper =
      new FhirTransactionMapper(TERMS, FhirMappingOptions.DEFAULTS);

  static Measurement m(String key, String value, String subject, MeasurementFlag... flags) {
    var def = TERMS.byKey(key).orElseThrow();
    DeviceId device = DeviceId.of("0123456789ABCDEF");
    Value v = new Value.Quantity(new BigDecimal(value), def.unit());
    return new Measurement(
        MeasurementIds.of(device, def.code(), AT, v),
        device,
        subject,
        "ICU-3",
        def.code(),
        v,
        AT,
        AT.plusSeconds(1),
        MeasurementStatus.FINAL,
        Set.of(flags),
        new Provenance("raw-1", "mqtt", "acme@1"));
  }

  @Test
  void everyVitalSignValidatesAgainstR4AndItsProfile() {
    List<Measurement> all =
        List.of(
            m("heart_rate", "72", "MRN-1"),
            m("spo2", "97", "MRN-1"),
            m("resp_rate", "14", "MRN-1"),
            m("body_temperature", "37.1", "MRN-1"),
            m("body_weight", "74.8", "MRN-1"),
            m("body_height", "180", "MRN-1"),
            m("bmi", "23.1", "MRN-1"),
            m("nibp_systolic", "120", "MRN-1"),
            m("nibp_diastolic", "80", "MRN-1"),
            m("nibp_mean", "93", "MRN-1"),
            m("glucose", "99", "MRN-1"),
            m("etco2", "36", "MRN-1"),
            m("perfusion_index", "3.4", "MRN-1", MeasurementFlag.FUTURE_TIMESTAMP));
    Bundle b = mapper.transaction(all);

    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      assertThat(FhirValidation.errors(e.getResource()))
          .as(e.getResource().fhirType() + " " + FhirValidation.all(e.getResource()))
          .isEmpty();
    }
    assertThat(FhirValidation.errors(b)).as(FhirValidation.all(b).toString()).isEmpty();
  }

  static Measurement withValue(Measurement m, Value v) {
    return new Measurement(
        MeasurementIds.of(m.device(), m.metric(), m.observedAt(), v),
        m.device(),
        m.subject(),
        m.location(),
        m.metric(),
        v,
        m.observedAt(),
        m.receivedAt(),
        m.status(),
        m.flags(),
        m.provenance());
  }

  @Test
  void codedAndTextValuesBecomeCodeableConceptAndString() {
    Measurement coded =
        withValue(
            m("perfusion_index", "1", "MRN-1"),
            new Value.Coded("urn:iso:std:iso:11073:10101", "0", "normal sinus"));
    Measurement text = withValue(m("perfusion_index", "1", "MRN-1"), new Value.Text("lead off"));
    Bundle b = mapper.transaction(List.of(coded, text));

    List<Observation> observations =
        b.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .toList();
    assertThat(observations).hasSize(2);
    var concept = observations.get(0).getValueCodeableConcept().getCodingFirstRep();
    assertThat(concept.getSystem()).isEqualTo("urn:iso:std:iso:11073:10101");
    assertThat(concept.getCode()).isEqualTo("0");
    assertThat(concept.getDisplay()).isEqualTo("normal sinus");
    assertThat(observations.get(1).getValueStringType().getValue()).isEqualTo("lead off");
  }

  @Test
  void theValidatorRejectsAVitalSignThatBreaksItsProfile() {
    Bundle b = mapper.transaction(List.of(m("heart_rate", "72", "MRN-1")));
    Observation o = (Observation) b.getEntry().get(1).getResource();
    o.getValueQuantity().setSystem(null).setCode("beats");
    o.setCategory(List.of());

    assertThat(FhirValidation.errors(o)).isNotEmpty();
  }

  @Test
  void theSameMeasurementsMapToTheSameConditionalKeysAndIds() {
    List<Measurement> ms = List.of(m("heart_rate", "72", "MRN-1"), m("spo2", "97", "MRN-1"));
    Bundle first = mapper.transaction(ms);
    Bundle again = mapper.transaction(List.of(ms.get(0), ms.get(1)));

    assertThat(requests(again)).isEqualTo(requests(first));
    assertThat(first.getEntry())
        .filteredOn(e -> e.getResource() instanceof Observation)
        .extracting(e -> e.getRequest().getIfNoneExist())
        .containsExactly(
            "identifier=urn:ietf:rfc:3986|urn:uuid:" + ms.get(0).id(),
            "identifier=urn:ietf:rfc:3986|urn:uuid:" + ms.get(1).id());
  }

  @Test
  void aBloodPressureReadingIsOnePanelKeyedByItsOwnIdAndFindableByEachMember() {
    Measurement sys = m("nibp_systolic", "120", "MRN-1");
    Measurement dia = m("nibp_diastolic", "80", "MRN-1");
    Bundle b = mapper.transaction(List.of(sys, dia));

    List<Observation> observations =
        b.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .toList();
    assertThat(observations).hasSize(1);
    Observation panel = observations.get(0);
    assertThat(panel.getCode().getCoding())
        .anySatisfy(c -> assertThat(c.getCode()).isEqualTo("85354-9"));
    assertThat(panel.getComponent()).hasSize(2);
    assertThat(panel.getIdentifier())
        .extracting(i -> i.getValue())
        .contains("urn:uuid:" + sys.id(), "urn:uuid:" + dia.id());
    String key =
        b.getEntry().stream()
            .filter(e -> e.getResource() == panel)
            .findFirst()
            .orElseThrow()
            .getRequest()
            .getIfNoneExist();
    assertThat(key)
        .as("the conditional key is the panel's own id, not a member's")
        .isEqualTo("identifier=urn:ietf:rfc:3986|" + panel.getIdentifierFirstRep().getValue())
        .doesNotContain(sys.id().toString())
        .doesNotContain(dia.id().toString());
  }

  private static List<Observation> observations(Bundle b) {
    return b.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Observation.class::isInstance)
        .map(Observation.class::cast)
        .toList();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "PRELIMINARY, preliminary",
    "FINAL, final",
    "AMENDED, amended",
    "ENTERED_IN_ERROR, entered-in-error"
  })
  void everyStatusMapsToItsObservationStatusAndValidates(MeasurementStatus status, String code) {
    Measurement hr = m("heart_rate", "72", "MRN-1").withStatus(status);
    Measurement bp = m("nibp_systolic", "120", "MRN-1").withStatus(status);
    Bundle b = mapper.transaction(List.of(hr, bp, m("nibp_diastolic", "80", "MRN-1")));

    assertThat(observations(b))
        .extracting(o -> o.getStatus().toCode())
        .as("the single Observation, then the panel (a member's status rules it)")
        .containsExactly(code, code);
    assertThat(FhirValidation.errors(b)).as(FhirValidation.all(b).toString()).isEmpty();
  }

  @Test
  void aPanelIsRetractedWhenAMemberIsAndPreliminaryWhileOneIs() {
    Measurement sys = m("nibp_systolic", "120", "MRN-1");
    Measurement dia = m("nibp_diastolic", "80", "MRN-1");
    Measurement mean = m("nibp_mean", "93", "MRN-1");

    assertThat(
            observations(
                    mapper.transaction(
                        List.of(sys, dia.withStatus(MeasurementStatus.PRELIMINARY), mean)))
                .get(0)
                .getStatus())
        .isEqualTo(Observation.ObservationStatus.PRELIMINARY);
    assertThat(
            observations(
                    mapper.transaction(
                        List.of(
                            sys.withStatus(MeasurementStatus.AMENDED),
                            dia,
                            mean.withStatus(MeasurementStatus.ENTERED_IN_ERROR))))
                .get(0)
                .getStatus())
        .isEqualTo(Observation.ObservationStatus.ENTEREDINERROR);
  }

  @Test
  void anUpdatedMeasurementIsAConditionalUpdateOnItsIdentifierTheOthersConditionalCreates() {
    Measurement hr = m("heart_rate", "72", "MRN-1").withStatus(MeasurementStatus.FINAL);
    Measurement spo2 = m("spo2", "97", "MRN-1");
    Measurement sys = m("nibp_systolic", "120", "MRN-1");
    Measurement dia = m("nibp_diastolic", "80", "MRN-1");

    Bundle b = mapper.transaction(List.of(hr, spo2, sys, dia), Set.of(hr.id(), dia.id()));

    String panelId =
        BloodPressurePanels.panelId(BloodPressurePanels.group(List.of(sys, dia)).panels().get(0));
    assertThat(requests(b))
        .filteredOn(r -> r.contains("Observation"))
        .containsExactlyInAnyOrder(
            "urn:uuid:"
                + panelId
                + " PUT Observation?identifier=urn:ietf:rfc:3986|urn:uuid:"
                + panelId
                + " null",
            "urn:uuid:"
                + hr.id()
                + " PUT Observation?identifier=urn:ietf:rfc:3986|urn:uuid:"
                + hr.id()
                + " null",
            "urn:uuid:"
                + spo2.id()
                + " POST Observation identifier=urn:ietf:rfc:3986|urn:uuid:"
                + spo2.id());
    assertThat(requests(mapper.transaction(List.of(hr, spo2, sys, dia), Set.of())))
        .as("without updates: exactly what transaction(List) gives")
        .isEqualTo(requests(mapper.transaction(List.of(hr, spo2, sys, dia))))
        .filteredOn(r -> r.contains("Observation"))
        .allSatisfy(r -> assertThat(r).contains(" POST Observation identifier="));
    assertThat(FhirValidation.errors(b)).as(FhirValidation.all(b).toString()).isEmpty();
  }

  private static List<String> requests(Bundle b) {
    return b.getEntry().stream()
        .map(
            e ->
                e.getFullUrl()
                    + " "
                    + e.getRequest().getMethod()
                    + " "
                    + e.getRequest().getUrl()
                    + " "
                    + e.getRequest().getIfNoneExist())
        .toList();
  }
}
