package org.vitalbridge.core.harmonize;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

/** Labels, units and times as real vendor feeds write them. */
class VendorVarietyTest {
  private static final Harmonizer HARMONIZER =
      new Harmonizer(
          TerminologyLoader.shipped(),
          new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
          new HarmonizerSettings(Duration.ofMinutes(5), ZoneOffset.UTC, Map.of()));
  private static final Instant RECEIVED = Instant.parse("2026-11-25T12:00:00Z");

  private static Measurement accept(String label, String value, String unit, String time) {
    HarmonizeResult r =
        HARMONIZER.harmonize(
            new DeviceReading("DEV-1", label, value, unit, time, TimeSpec.AUTO, null, null),
            RECEIVED,
            Provenance.NONE);
    assertThat(r).as(r.toString()).isInstanceOf(HarmonizeResult.Accepted.class);
    return ((HarmonizeResult.Accepted) r).measurement();
  }

  @ParameterizedTest
  @CsvSource({
    "heartRate, 72, beats/min, 147842",
    "Heart Rate (bpm), 72, bpm, 147842",
    "8867-4, 72, /min, 147842",
    "systolicBloodPressure, 120, mmHg, 150021",
    "8480-6, 120, mm[Hg], 150021",
    "oxygenSaturation, 97, %, 150456",
    "2708-6, 97, %, 150456",
    "59408-5, 0.97, 1, 150456",
    "SpO2 [%], 97, %, 150456",
    "Sp02, 97, percent, 150456",
    "bodyTemperature, 98.6, °F, 150364",
    "temp_c, 37, Cel, 150364",
    "respiratoryRate, 16, breaths/min, 151562",
    "bloodGlucose, 5.5, mmol/l, 160184",
    "weight_lbs, 165, lb, 188736",
    "MDC_PULS_OXIM_SAT_O2, 97, 262688, 150456",
    "150456, 97, MDC_DIM_PERCENT, 150456"
  })
  void vendorLabelsAndUnitsResolve(String label, String value, String unit, int mdc) {
    Measurement m = accept(label, value, unit, "2026-11-25T11:00:00Z");

    assertThat(m.metric().mdc()).isEqualTo(mdc);
  }

  @ParameterizedTest
  @CsvSource({
    "1795604400, 2026-11-25T11:00:00Z",
    "1795604400.250, 2026-11-25T11:00:00.250Z",
    "1795604400000, 2026-11-25T11:00:00Z",
    "20261125110000, 2026-11-25T11:00:00Z",
    "20261125110000+0100, 2026-11-25T10:00:00Z",
    "2026-11-25 11:00:00, 2026-11-25T11:00:00Z",
    "2026-11-25T11:00:00.000+0000, 2026-11-25T11:00:00Z"
  })
  void timestampsAsStringsResolveInAutoMode(String text, String expected) {
    assertThat(accept("HR", "72", "bpm", text).observedAt()).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({
    "59408-5, 0.97, 1, 97",
    "bodyTemperature, 98.6, °F, 37",
    "weight_lbs, 165, lb, 74.843"
  })
  void valuesAreConvertedToTheCanonicalUnit(
      String label, String value, String unit, String expected) {
    Value.Quantity q = (Value.Quantity) accept(label, value, unit, null).value();

    assertThat(q.number()).isEqualByComparingTo(new BigDecimal(expected));
  }
}
