package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;

/** Hub JSON through the real processor and harmonizer to canonical measurements. */
class BleEndToEndTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:16:00Z");
  private static final String MAC = "AA:BB:CC:DD:EE:FF";

  /** The device's configured zone: its Date Time is New York local time. */
  private static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(new BleGattDecoder()),
          new Harmonizer(
              TerminologyLoader.shipped(),
              UnitResolver.shipped(),
              new HarmonizerSettings(
                  Duration.ofMinutes(5),
                  java.time.ZoneOffset.UTC,
                  Map.of(MAC, ZoneId.of("America/New_York")))));

  private static List<Outcome> process(String json) {
    return PROCESSOR.process(
        new RawMessage(
            "raw-1",
            json.getBytes(StandardCharsets.UTF_8),
            BleGattDecoder.contentType(),
            "mqtt",
            "vitalbridge/ble/hub-7",
            null,
            NOW));
  }

  private static Measurement measurement(List<Outcome> outcomes, String refId) {
    return outcomes.stream()
        .filter(Outcome.Accepted.class::isInstance)
        .map(o -> ((Outcome.Accepted) o).measurement())
        .filter(m -> m.metric().refId().equals(refId))
        .findFirst()
        .orElseThrow(() -> new AssertionError(refId + " not in " + outcomes));
  }

  private static BigDecimal number(Measurement m) {
    return ((Value.Quantity) m.value()).number();
  }

  private static String unit(Measurement m) {
    return ((Value.Quantity) m.value()).unit();
  }

  @Test
  void bloodPressureInKpaBecomesMmHgAtTheDeviceLocalTime() {
    // kPa, time stamp 2026-11-24 05:15:00 (New York = 10:15:00Z), pulse, status: irregular pulse.
    List<Outcome> out =
        process(
            "{\"hub\":\"hub-7\",\"device\":\"aa:bb:cc:dd:ee:ff\",\"service\":\"0x1810\","
                + "\"characteristic\":\"2A35\",\"value\":\"17 A0 F0 6B F0 7C F0 EA 07 0B 18 05 0F 00"
                + " 48 00 04 00\",\"receivedAt\":\"2026-11-24T10:15:58Z\"}");
    assertThat(out).allMatch(Outcome.Accepted.class::isInstance);
    Measurement sys = measurement(out, "MDC_PRESS_BLD_NONINV_SYS");
    assertThat(unit(sys)).isEqualTo("mm[Hg]");
    assertThat(number(sys)).isEqualByComparingTo("120"); // 16.0 kPa: 16 has 2 digits, +2 kept
    assertThat(sys.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
    assertThat(sys.device().value()).isEqualTo(MAC);
    assertThat(sys.flags()).contains(MeasurementFlag.DEVICE_ALARM);
    assertThat(sys.provenance().mapping()).isEqualTo("ble-gatt@1");
    assertThat(number(measurement(out, "MDC_PULS_RATE_NON_INV"))).isEqualByComparingTo("72");
  }

  @Test
  void weightInPoundsBecomesKilograms() {
    // imperial, 15931 × 0.01 lb = 159.31 lb; BMI 23.6, height 68.9 in; no device time.
    List<Outcome> out =
        process(
            "[{\"hub\":\"hub-7\",\"device\":\"AA:BB:CC:DD:EE:FF\",\"characteristic\":\"2A9D\","
                + "\"value\":\"09 3B 3E EC 00 B1 02\",\"receivedAt\":\"2026-11-24T10:15:30Z\"}]");
    assertThat(out).allMatch(Outcome.Accepted.class::isInstance);
    Measurement weight = measurement(out, "MDC_MASS_BODY_ACTUAL");
    assertThat(unit(weight)).isEqualTo("kg");
    assertThat(number(weight)).isEqualByComparingTo("72.2618");
    assertThat(weight.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:30Z"));
    assertThat(weight.flags()).doesNotContain(MeasurementFlag.TIME_FROM_RECEIPT);
    Measurement height = measurement(out, "MDC_LEN_BODY_ACTUAL");
    assertThat(unit(height)).isEqualTo("cm");
    assertThat(number(height)).isEqualByComparingTo("175.01");
    assertThat(unit(measurement(out, "MDC_RATIO_MASS_BODY_LEN_SQ"))).isEqualTo("kg/m2");
  }

  @Test
  void heartRateWithRrIntervalsAndASpecialSpo2() {
    List<Outcome> out =
        process(
            "[{\"device\":\"AA:BB:CC:DD:EE:FF\",\"characteristic\":\"2A37\","
                + "\"value\":\"14 48 00 04 00 03\"},"
                + "{\"device\":\"AA:BB:CC:DD:EE:FF\",\"characteristic\":\"2A5F\","
                + "\"value\":\"00 FF 07 3D 00\"}]");
    Measurement hr = measurement(out, "MDC_PULS_RATE");
    assertThat(number(hr)).isEqualByComparingTo("72");
    assertThat(hr.flags()).contains(MeasurementFlag.TIME_FROM_RECEIPT);
    // Flags 0x14: sensor contact not detected, RR-intervals 1024 and 768 ticks of 1/1024 s.
    assertThat(hr.flags()).contains(MeasurementFlag.QUESTIONABLE);
    assertThat(
            out.stream()
                .filter(Outcome.Accepted.class::isInstance)
                .map(o -> ((Outcome.Accepted) o).measurement())
                .filter(m -> m.metric().refId().equals("MDC_ECG_TIME_PD_RR_GL"))
                .map(m -> unit(m) + " " + number(m).toPlainString()))
        .containsExactly("ms 1000", "ms 750");
    assertThat(number(measurement(out, "MDC_PULS_OXIM_PULS_RATE"))).isEqualByComparingTo("61");
    assertThat(out)
        .filteredOn(Outcome.Rejected.class::isInstance)
        .singleElement()
        .satisfies(
            o -> {
              Outcome.Rejected r = (Outcome.Rejected) o;
              assertThat(r.rejection().reason()).isEqualTo(RejectionReason.NO_VALUE);
              assertThat(r.rejection().field()).isEqualTo("$[1].value[1]:SpO2");
            });
  }

  @Test
  void glucoseInMolPerLitreAndTemperatureInFahrenheit() {
    // Glucose: 53 × 10^-4 mol/L = 5.3 mmol/L, capillary plasma; base 2026-11-24 05:00 NY + 10 min.
    // Temperature: 98.6 °F with a time stamp.
    List<Outcome> out =
        process(
            "[{\"device\":\"AA:BB:CC:DD:EE:FF\",\"characteristic\":\"2A18\","
                + "\"value\":\"07 01 00 EA 07 0B 18 05 00 00 0A 00 35 C0 12\"},"
                + "{\"device\":\"AA:BB:CC:DD:EE:FF\",\"characteristic\":\"2A1C\","
                + "\"value\":\"03 DA 03 00 FF EA 07 0B 18 05 0F 00\"}]");
    assertThat(out).allMatch(Outcome.Accepted.class::isInstance);
    Measurement glucose = measurement(out, "MDC_CONC_GLU_CAPILLARY_PLASMA");
    assertThat(unit(glucose)).isEqualTo("mg/dL");
    assertThat(number(glucose)).isEqualByComparingTo("95.48");
    assertThat(glucose.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:10:00Z"));
    Measurement temp = measurement(out, "MDC_TEMP_BODY");
    assertThat(unit(temp)).isEqualTo("Cel");
    assertThat(number(temp)).isEqualByComparingTo("37");
    assertThat(temp.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
  }
}
