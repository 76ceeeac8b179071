package org.vitalbridge.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.time.TimeSpec;

class ModelRecordsTest {
  private static final MetricCode SPO2 =
      new MetricCode(150456, "MDC_PULS_OXIM_SAT_O2", "59408-5", "SpO2");
  private static final Instant AT = Instant.parse("2026-03-15T10:30:00Z");

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void deviceIdRejectsBlank(String blank) {
    assertThatThrownBy(() -> new DeviceId(blank)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeviceId.of(blank)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deviceIdRejectsNull() {
    assertThatThrownBy(() -> new DeviceId(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void deviceIdIsTrimmed() {
    assertThat(DeviceId.of("  00-1B-C5-00-00-00-00-01 "))
        .isEqualTo(DeviceId.of("00-1B-C5-00-00-00-00-01"));
    assertThat(DeviceId.of(" M1 ").value()).isEqualTo("M1");
    assertThat(DeviceId.of(" M1 ")).hasToString("M1").hasSameHashCodeAs(DeviceId.of("M1"));
    assertThat(DeviceId.of("M1")).isNotEqualTo(DeviceId.of("m1"));
  }

  @Test
  void metricCodePartitionAndTerm() {
    assertThat(SPO2.partition()).isEqualTo(2);
    assertThat(SPO2.termCode()).isEqualTo(19384);
    assertThat(SPO2).isEqualTo(new MetricCode(150456, "MDC_PULS_OXIM_SAT_O2", "59408-5", "SpO2"));
    assertThatThrownBy(() -> new MetricCode(0, "X", null, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MetricCode(-5, "X", null, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MetricCode(1, null, null, "x"))
        .isInstanceOf(NullPointerException.class);
  }

  private static Measurement measurement(Set<MeasurementFlag> flags, Provenance provenance) {
    return new Measurement(
        UUID.fromString("00000000-0000-5000-8000-000000000001"),
        DeviceId.of("M1"),
        null,
        null,
        SPO2,
        new Value.Quantity(new BigDecimal("97"), "%"),
        AT,
        AT.plusSeconds(1),
        MeasurementStatus.FINAL,
        flags,
        provenance);
  }

  @Test
  void measurementEqualityAndDefensiveFlags() {
    EnumSet<MeasurementFlag> flags = EnumSet.of(MeasurementFlag.TIME_FROM_RECEIPT);
    Measurement m = measurement(flags, null);
    flags.add(MeasurementFlag.FUTURE_TIMESTAMP);
    assertThat(m.flags()).containsExactly(MeasurementFlag.TIME_FROM_RECEIPT);
    assertThatThrownBy(() -> m.flags().add(MeasurementFlag.OUT_OF_RANGE))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(m.provenance()).isEqualTo(Provenance.NONE);
    Measurement same = measurement(Set.of(MeasurementFlag.TIME_FROM_RECEIPT), Provenance.NONE);
    assertThat(m).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(m).isNotEqualTo(measurement(Set.of(), Provenance.NONE));
  }

  @Test
  void associationKeepsTheId() {
    Measurement m = measurement(Set.of(), null);
    Measurement associated = m.associatedWith("patient-1", "ICU^1^3");
    assertThat(associated.id()).isEqualTo(m.id());
    assertThat(associated.subject()).isEqualTo("patient-1");
    assertThat(associated.location()).isEqualTo("ICU^1^3");
    assertThat(associated.value()).isEqualTo(m.value());
    assertThat(m.subject()).isNull();
  }

  @Test
  void measurementRequiresItsParts() {
    assertThatThrownBy(
            () ->
                new Measurement(
                    null,
                    DeviceId.of("M1"),
                    null,
                    null,
                    SPO2,
                    new Value.Text("x"),
                    AT,
                    AT,
                    MeasurementStatus.FINAL,
                    Set.of(),
                    null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                new Measurement(
                    UUID.randomUUID(),
                    DeviceId.of("M1"),
                    null,
                    null,
                    SPO2,
                    new Value.Text("x"),
                    null,
                    AT,
                    MeasurementStatus.FINAL,
                    Set.of(),
                    null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void deviceReadingDefaultsFieldNames() {
    DeviceReading r = new DeviceReading("M1", "HR", "72", "bpm", null, TimeSpec.AUTO, null, null);
    assertThat(r.fields()).isEqualTo(DeviceReading.Fields.DEFAULT);
    assertThat(r.fields().value()).isEqualTo("value");
    assertThat(r)
        .isEqualTo(
            new DeviceReading(
                "M1", "HR", "72", "bpm", null, TimeSpec.AUTO, DeviceReading.Fields.DEFAULT, null));
    assertThatThrownBy(() -> new DeviceReading("M1", "HR", "72", "bpm", null, null, null, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void rejectionAndQuarantine() {
    Rejection r = new Rejection(RejectionReason.OUT_OF_RANGE, "$.spo2", "101 % is out of range");
    assertThat(r)
        .isEqualTo(new Rejection(RejectionReason.OUT_OF_RANGE, "$.spo2", "101 % is out of range"));
    assertThat(new Rejection(RejectionReason.MALFORMED_PAYLOAD, null, "not JSON").field()).isNull();
    assertThatThrownBy(() -> new Rejection(null, "f", "d"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Rejection(RejectionReason.NOT_NUMERIC, "f", null))
        .isInstanceOf(NullPointerException.class);
    assertThat(new Quarantine("raw-1", "harmonize", r).rejection()).isEqualTo(r);
    assertThatThrownBy(() -> new Quarantine(null, "harmonize", r))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void codesAreKebabCaseAndUnique() {
    assertThat(Arrays.stream(RejectionReason.values()).map(RejectionReason::code))
        .allMatch(c -> c.matches("[a-z]+(-[a-z0-9]+)*"))
        .doesNotHaveDuplicates();
    assertThat(Arrays.stream(MeasurementFlag.values()).map(MeasurementFlag::code))
        .allMatch(c -> c.matches("[a-z]+(-[a-z0-9]+)*"))
        .doesNotHaveDuplicates();
    assertThat(RejectionReason.OUT_OF_RANGE.code()).isEqualTo("out-of-range");
    assertThat(RejectionReason.UNIT_INCOMPATIBLE.code()).isEqualTo("unit-incompatible");
    assertThat(MeasurementFlag.LOCAL_TIME_IN_GAP.code()).isEqualTo("local-time-in-dst-gap");
    assertThat(MeasurementStatus.ENTERED_IN_ERROR.code()).isEqualTo("entered-in-error");
    assertThat(MeasurementStatus.FINAL.code()).isEqualTo("final");
  }

  @Test
  void aResultStatusOnlyMovesForward() {
    assertThat(MeasurementStatus.FINAL.supersedes(MeasurementStatus.PRELIMINARY)).isTrue();
    assertThat(MeasurementStatus.AMENDED.supersedes(MeasurementStatus.FINAL)).isTrue();
    assertThat(MeasurementStatus.ENTERED_IN_ERROR.supersedes(MeasurementStatus.AMENDED)).isTrue();
    assertThat(MeasurementStatus.PRELIMINARY.supersedes(MeasurementStatus.FINAL)).isFalse();
    assertThat(MeasurementStatus.FINAL.supersedes(MeasurementStatus.FINAL)).isFalse();
    assertThat(MeasurementStatus.FINAL.supersedes(MeasurementStatus.ENTERED_IN_ERROR)).isFalse();
    for (MeasurementStatus s : MeasurementStatus.values()) {
      assertThat(MeasurementStatus.ofCode(s.code())).isEqualTo(s);
    }
    assertThatThrownBy(() -> MeasurementStatus.ofCode("corrected"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrected");
  }

  @Test
  void onlyARetractionMayHaveNoValue() {
    Measurement m = measurement(Set.of(), null);
    Measurement retraction =
        new Measurement(
            m.id(),
            m.device(),
            null,
            null,
            SPO2,
            new Value.Absent(),
            AT,
            AT,
            MeasurementStatus.ENTERED_IN_ERROR,
            Set.of(),
            null);
    assertThat(retraction.value().canonicalKey()).isEqualTo("absent");
    assertThatThrownBy(() -> retraction.withStatus(MeasurementStatus.FINAL))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
