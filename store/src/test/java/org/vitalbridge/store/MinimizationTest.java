package org.vitalbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Value;

class MinimizationTest {
  private static final byte[] KEY = "test-only-key-0123456789".getBytes(StandardCharsets.UTF_8);

  private static Measurement measurement() {
    return new Measurement(
        UUID.fromString("00000000-0000-8000-8000-000000000001"),
        DeviceId.of("ACME-0042"),
        "MRN-1001",
        "ICU-3",
        new MetricCode(150456, "MDC_PULS_OXIM_SAT_O2", "59408-5", "SpO2"),
        new Value.Quantity(new java.math.BigDecimal("97"), "%"),
        Instant.parse("2026-11-20T10:00:00Z"),
        Instant.parse("2026-11-20T10:00:01Z"),
        MeasurementStatus.FINAL,
        Set.of(),
        new Provenance("raw-1", "http", "acme@1"));
  }

  @Test
  void pseudonymsAreKeyedStablePerPatientAndHideTheId() {
    Minimization m = new Minimization(Set.of("subject"), KEY);

    Measurement out = m.apply(measurement());

    assertThat(out.subject()).isEqualTo(m.pseudonym("patient", "MRN-1001"));
    assertThat(out.subject()).doesNotContain("MRN").hasSize(43);
    assertThat(m.apply(measurement()).subject()).isEqualTo(out.subject());
    assertThat(
            new Minimization(Set.of("subject"), "another-key-0123456789".getBytes())
                .apply(measurement())
                .subject())
        .isNotEqualTo(out.subject());
    assertThat(out.device().value()).doesNotContain("ACME");
    assertThat(out.location()).isNull();
    assertThat(out.provenance()).isEqualTo(Provenance.NONE);
    assertThat(out.value()).isEqualTo(measurement().value());
    assertThat(out.id()).isEqualTo(measurement().id());
  }

  @Test
  void anAllowListWithoutAKeyDropsWhatIsNotListed() {
    Measurement out = new Minimization(Set.of("subject", "device"), null).apply(measurement());

    assertThat(out.subject()).isEqualTo("MRN-1001");
    assertThat(out.device().value()).isEqualTo("ACME-0042");
    assertThat(out.location()).isNull();
  }

  @Test
  void unknownFieldsAndShortKeysAreRefused() {
    assertThatThrownBy(() -> new Minimization(Set.of("name"), null))
        .hasMessageContaining("unknown field 'name'");
    assertThatThrownBy(() -> new Minimization(Set.of(), "short".getBytes()))
        .hasMessageContaining("16 bytes");
  }
}
