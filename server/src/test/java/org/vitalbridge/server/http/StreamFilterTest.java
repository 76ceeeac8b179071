package org.vitalbridge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Value;

/** Which live measurements a subscriber's query selects. */
class StreamFilterTest {
  static final MetricCode SPO2 =
      new MetricCode(150456, "MDC_PULS_OXIM_SAT_O2", "59408-5", "Oxygen saturation");
  static final MetricCode HR = new MetricCode(147842, "MDC_ECG_HEART_RATE", "8867-4", "Heart rate");
  static final MetricCode NO_LOINC = new MetricCode(131328, "MDC_ECG_ELEC_POTL", null, "ECG");

  static Measurement m(String device, String patient, String bed, MetricCode metric) {
    Instant t = Instant.parse("2026-11-24T10:15:00Z");
    return new Measurement(
        UUID.randomUUID(),
        new DeviceId(device),
        patient,
        bed,
        metric,
        new Value.Quantity(BigDecimal.ONE, "1"),
        t,
        t,
        MeasurementStatus.FINAL,
        Set.of(),
        new Provenance("r1", "http", "acme-bedside"));
  }

  static StreamFilter filter(Map<String, List<String>> query) {
    return StreamFilter.of(query);
  }

  @Test
  void noQuerySelectsEverything() {
    StreamFilter all = filter(Map.of());

    assertThat(all).isEqualTo(StreamFilter.ALL);
    assertThat(all.matches(m("D1", null, null, HR))).isTrue();
    assertThat(all.matches(m("D2", "P1", "ICU-1", SPO2))).isTrue();
  }

  @Test
  void aDeviceSelectsThatDeviceOnly() {
    StreamFilter f = filter(Map.of("device", List.of("D1")));

    assertThat(f.matches(m("D1", null, null, HR))).isTrue();
    assertThat(f.matches(m("D2", null, null, HR))).isFalse();
    assertThat(f.matches(m("d1", null, null, HR))).isFalse();
  }

  @Test
  void aMetricIsNamedByMdcCodeReferenceIdOrLoinc() {
    for (String name : List.of("150456", "MDC_PULS_OXIM_SAT_O2", "59408-5")) {
      StreamFilter f = filter(Map.of("metric", List.of(name)));
      assertThat(f.matches(m("D1", null, null, SPO2))).as(name).isTrue();
      assertThat(f.matches(m("D1", null, null, HR))).as(name).isFalse();
      assertThat(f.matches(m("D1", null, null, NO_LOINC))).as(name).isFalse();
    }
    assertThat(filter(Map.of("metric", List.of("131328"))).matches(m("D1", null, null, NO_LOINC)))
        .isTrue();
  }

  @Test
  void aPatientOrBedSelectsOnlyMeasurementsAttributedToIt() {
    StreamFilter patient = filter(Map.of("patient", List.of("P1")));
    StreamFilter bed = filter(Map.of("bed", List.of("ICU-1")));

    assertThat(patient.matches(m("D1", "P1", "ICU-1", HR))).isTrue();
    assertThat(patient.matches(m("D1", "P2", "ICU-1", HR))).isFalse();
    assertThat(patient.matches(m("D1", null, "ICU-1", HR))).isFalse();
    assertThat(bed.matches(m("D1", "P2", "ICU-1", HR))).isTrue();
    assertThat(bed.matches(m("D1", "P2", "ICU-2", HR))).isFalse();
    assertThat(bed.matches(m("D1", "P2", null, HR))).isFalse();
  }

  @Test
  void repeatedAndCommaSeparatedValuesAreAlternatives() {
    StreamFilter repeated = filter(Map.of("device", List.of("D1", "D2")));
    StreamFilter commas = filter(Map.of("device", List.of(" D1 , D2,,")));

    assertThat(commas).isEqualTo(repeated);
    assertThat(repeated.devices()).containsExactlyInAnyOrder("D1", "D2");
    assertThat(repeated.matches(m("D2", null, null, HR))).isTrue();
    assertThat(repeated.matches(m("D3", null, null, HR))).isFalse();
  }

  @Test
  void blankValuesSelectNothingInParticular() {
    StreamFilter blank = filter(Map.of("device", List.of("", " , "), "metric", List.of(",")));

    assertThat(blank).isEqualTo(StreamFilter.ALL);
  }

  @Test
  void everyGivenCriterionMustMatch() {
    StreamFilter f =
        filter(
            Map.of(
                "device", List.of("D1"),
                "metric", List.of("MDC_PULS_OXIM_SAT_O2"),
                "bed", List.of("ICU-1"),
                "patient", List.of("P1")));

    assertThat(f.matches(m("D1", "P1", "ICU-1", SPO2))).isTrue();
    assertThat(f.matches(m("D2", "P1", "ICU-1", SPO2))).isFalse();
    assertThat(f.matches(m("D1", "P1", "ICU-1", HR))).isFalse();
    assertThat(f.matches(m("D1", "P1", "ICU-2", SPO2))).isFalse();
    assertThat(f.matches(m("D1", "P2", "ICU-1", SPO2))).isFalse();
  }

  @Test
  void unknownParametersAreIgnored() {
    assertThat(filter(Map.of("colour", List.of("red")))).isEqualTo(StreamFilter.ALL);
  }
}
