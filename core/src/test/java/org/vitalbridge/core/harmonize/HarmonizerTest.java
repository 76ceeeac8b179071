package org.vitalbridge.core.harmonize;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

class HarmonizerTest {
  private static final Instant RECEIVED = Instant.parse("2026-03-15T10:30:05Z");
  private static final String OBSERVED = "2026-03-15T10:30:00Z";
  private static final Provenance PROVENANCE = new Provenance("raw-1", "mqtt", "acme@1");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static final UnitResolver UNITS =
      new UnitResolver(UnitAliases.shipped(), UcumUnits.load());

  private static final HarmonizerSettings SETTINGS =
      new HarmonizerSettings(Duration.ofMinutes(5), ZoneOffset.UTC, Map.of("bedside-7", BERLIN));

  private static final Harmonizer HARMONIZER = harmonizer(SETTINGS);

  private static Harmonizer harmonizer(HarmonizerSettings settings) {
    return new Harmonizer(TerminologyLoader.shipped(), UNITS, settings);
  }

  private static DeviceReading reading(
      String device, String label, String value, String unit, String timestamp) {
    return new DeviceReading(device, label, value, unit, timestamp, TimeSpec.AUTO, null, null);
  }

  private static DeviceReading reading(String label, String value, String unit) {
    return reading("monitor-1", label, value, unit, OBSERVED);
  }

  private static Measurement accepted(DeviceReading r) {
    return accepted(HARMONIZER.harmonize(r, RECEIVED, PROVENANCE));
  }

  private static Measurement accepted(HarmonizeResult result) {
    assertThat(result).isInstanceOf(HarmonizeResult.Accepted.class);
    return ((HarmonizeResult.Accepted) result).measurement();
  }

  private static Rejection rejected(DeviceReading r) {
    HarmonizeResult result = HARMONIZER.harmonize(r, RECEIVED, PROVENANCE);
    assertThat(result).isInstanceOf(HarmonizeResult.Rejected.class);
    return ((HarmonizeResult.Rejected) result).rejection();
  }

  private static void assertQuantity(Measurement m, String number, String unit) {
    assertThat(m.value()).isInstanceOf(Value.Quantity.class);
    Value.Quantity q = (Value.Quantity) m.value();
    assertThat(q.number()).isEqualByComparingTo(number);
    assertThat(q.unit()).isEqualTo(unit);
  }

  @Nested
  class Accepted {
    @Test
    void spo2InPercent() {
      Measurement m = accepted(reading("SpO2", "97", "%"));
      assertThat(m.metric().mdc()).isEqualTo(150456);
      assertThat(m.metric().refId()).isEqualTo("MDC_PULS_OXIM_SAT_O2");
      assertThat(m.metric().loinc()).isEqualTo("59408-5");
      assertQuantity(m, "97", "%");
      assertThat(m.device().value()).isEqualTo("monitor-1");
      assertThat(m.observedAt()).isEqualTo(Instant.parse(OBSERVED));
      assertThat(m.receivedAt()).isEqualTo(RECEIVED);
      assertThat(m.status()).isEqualTo(MeasurementStatus.FINAL);
      assertThat(m.flags()).isEmpty();
      assertThat(m.provenance()).isEqualTo(PROVENANCE);
      assertThat(m.subject()).isNull();
    }

    @Test
    void fahrenheitTemperatureBecomesCelsius() {
      Measurement m = accepted(reading("Temp", "98.6", "degF"));
      assertThat(m.metric().mdc()).isEqualTo(150364);
      assertThat(m.metric().loinc()).isEqualTo("8310-5");
      assertQuantity(m, "37", "Cel");
      assertThat(((Value.Quantity) m.value()).number().toPlainString()).isEqualTo("37");
    }

    @Test
    void conversionKeepsTwoMoreSignificantDigitsThanSent() {
      // 100.1 degF = 37.8333... Cel: four digits sent, six kept
      assertQuantity(accepted(reading("Temp", "100.1", "°F")), "37.8333", "Cel");
    }

    @Test
    void glucoseInMillimolePerLitreBecomesMilligramPerDecilitre() {
      Measurement m = accepted(reading("glucose", "5.5", "mmol/L"));
      assertThat(m.metric().mdc()).isEqualTo(160184);
      // 5.5 x 18.0156 = 99.0858, kept to four significant digits
      assertQuantity(m, "99.09", "mg/dL");
    }

    @Test
    void weightInPoundsBecomesKilograms() {
      assertQuantity(accepted(reading("weight", "154", "lbs")), "69.853", "kg");
    }

    @Test
    void pressureInKilopascalBecomesMillimetreOfMercury() {
      Measurement m = accepted(reading("NIBP_SYS", "16", "kPa"));
      assertThat(m.metric().mdc()).isEqualTo(150021);
      // 16 x 7.5006 = 120.01, kept to four significant digits
      assertQuantity(m, "120.0", "mm[Hg]");
    }

    @Test
    void mdcCodeAndMdcUnitCode() {
      Measurement m = accepted(reading("150456", "96", "262688"));
      assertThat(m.metric().mdc()).isEqualTo(150456);
      assertQuantity(m, "96", "%");
    }

    @Test
    void etco2InMillimetreOfMercuryIsThePartialPressure() {
      Measurement m = accepted(reading("EtCO2", "35", "mmHg"));
      assertThat(m.metric().mdc()).isEqualTo(151728);
      assertThat(m.metric().loinc()).isEqualTo("19891-1");
      assertQuantity(m, "35", "mm[Hg]");
    }

    @Test
    void etco2InPercentIsTheConcentration() {
      Measurement m = accepted(reading("EtCO2", "5.1", "%"));
      assertThat(m.metric().mdc()).isEqualTo(151708);
      assertThat(m.metric().loinc()).isEqualTo("19889-5");
      assertQuantity(m, "5.1", "%");
    }

    @Test
    void concentrationCodeWithMillimetreOfMercuryIsThePartialPressure() {
      Measurement m = accepted(reading("151708", "38", "mmHg"));
      assertThat(m.metric().mdc()).isEqualTo(151728);
      assertQuantity(m, "38", "mm[Hg]");
    }

    @Test
    void etco2InKilopascalIsThePartialPressure() {
      Measurement m = accepted(reading("EtCO2", "4.7", "kPa"));
      assertThat(m.metric().mdc()).isEqualTo(151728);
      assertQuantity(m, "35.25", "mm[Hg]");
    }

    @Test
    void valueWithSpacesAndExponent() {
      assertQuantity(accepted(reading("HR", " 72 ", "bpm")), "72", "/min");
      assertQuantity(accepted(reading("HR", "7.2e1", "bpm")), "72", "/min");
      assertQuantity(accepted(reading("HR", "+72", "bpm")), "72", "/min");
    }

    @Test
    void rangeBoundsAreInclusive() {
      assertQuantity(accepted(reading("SpO2", "100", "%")), "100", "%");
      assertQuantity(accepted(reading("SpO2", "0", "%")), "0", "%");
      // 113 degF = 45 Cel, the upper bound of body temperature
      assertQuantity(accepted(reading("Temp", "113", "degF")), "45", "Cel");
    }

    @Test
    void locationIsCarriedThrough() {
      DeviceReading r =
          new DeviceReading(
              "monitor-1", "HR", "72", "bpm", OBSERVED, TimeSpec.AUTO, null, "ICU^1^3");
      assertThat(accepted(r).location()).isEqualTo("ICU^1^3");
    }

    @Test
    void flagsTheDeviceReportedReachTheMeasurement() {
      DeviceReading r =
          reading("SpO2", "91", "%")
              .withDeviceFlags(Set.of(MeasurementFlag.QUESTIONABLE, MeasurementFlag.DEVICE_ALARM));
      assertThat(accepted(r).flags())
          .containsExactlyInAnyOrder(MeasurementFlag.QUESTIONABLE, MeasurementFlag.DEVICE_ALARM);
    }

    @Test
    void deviceFlagsSurviveLaterCopies() {
      DeviceReading r =
          reading("SpO2", "91", "%")
              .withDeviceFlags(Set.of(MeasurementFlag.QUESTIONABLE))
              .withStatus(MeasurementStatus.PRELIMINARY);
      assertThat(accepted(r).flags()).containsExactly(MeasurementFlag.QUESTIONABLE);
    }
  }

  @Nested
  class Rejected {
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingDevice(String device) {
      Rejection r = rejected(reading(device, "SpO2", "97", "%", OBSERVED));
      assertThat(r.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
      assertThat(r.field()).isEqualTo("device");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingLabel(String label) {
      Rejection r = rejected(reading(label, "97", "%"));
      assertThat(r.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
      assertThat(r.field()).isEqualTo("label");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingValue(String value) {
      Rejection r = rejected(reading("SpO2", value, "%"));
      assertThat(r.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
      assertThat(r.field()).isEqualTo("value");
      assertThat(r.detail()).contains("SpO2");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingUnit(String unit) {
      Rejection r = rejected(reading("SpO2", "97", unit));
      assertThat(r.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
      assertThat(r.field()).isEqualTo("unit");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "abc",
          "---",
          "NaN",
          "nan",
          "Infinity",
          "-",
          "1,5",
          "97%",
          "0x61",
          "e",
          "1e",
          "."
        })
    void notNumeric(String value) {
      Rejection r = rejected(reading("SpO2", value, "%"));
      assertThat(r.reason()).isEqualTo(RejectionReason.NOT_NUMERIC);
      assertThat(r.field()).isEqualTo("value");
      assertThat(r.detail()).contains("'" + value + "'");
    }

    @Test
    void absurdlyLargeNumberIsNotNumeric() {
      assertThat(rejected(reading("HR", "1e400", "bpm")).reason())
          .isEqualTo(RejectionReason.NOT_NUMERIC);
    }

    @Test
    void spo2Above100IsRejectedNotClamped() {
      DeviceReading reading =
          new DeviceReading(
              "monitor-1",
              "SpO2",
              "101",
              "%",
              OBSERVED,
              TimeSpec.AUTO,
              new DeviceReading.Fields("$.dev", "$.name", "$.spo2", "$.u", "$.t"),
              null);
      Rejection r = rejected(reading);
      assertThat(r.reason()).isEqualTo(RejectionReason.OUT_OF_RANGE);
      assertThat(r.field()).isEqualTo("$.spo2");
      assertThat(r.detail()).contains("101").contains("MDC_PULS_OXIM_SAT_O2").contains("0–100");
    }

    @ParameterizedTest
    @CsvSource({
      "SpO2, -1, %",
      "HR, 351, bpm",
      "Temp, 114, degF",
      "Temp, 20, Cel",
      "weight, 501, kg"
    })
    void outOfRange(String label, String value, String unit) {
      Rejection r = rejected(reading(label, value, unit));
      assertThat(r.reason()).isEqualTo(RejectionReason.OUT_OF_RANGE);
      assertThat(r.field()).isEqualTo("value");
    }

    @Test
    void outOfRangeIsJudgedInTheCanonicalUnit() {
      // 114 degF = 45.56 Cel, above 45; the message names the converted value
      Rejection r = rejected(reading("Temp", "114", "degF"));
      assertThat(r.detail()).contains("45.556").contains("Cel");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flux_capacitor", "SpO3", "999999", "MDC_NOT_A_THING"})
    void unknownMetric(String label) {
      Rejection r = rejected(reading(label, "97", "%"));
      assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_METRIC);
      assertThat(r.field()).isEqualTo("label");
      assertThat(r.detail()).contains("'" + label + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"furlongs/fortnight", "bpmx", "percentage points"})
    void unitUnknown(String unit) {
      Rejection r = rejected(reading("SpO2", "97", unit));
      assertThat(r.reason()).isEqualTo(RejectionReason.UNIT_UNKNOWN);
      assertThat(r.field()).isEqualTo("unit");
      assertThat(r.detail()).contains(unit);
    }

    /** An MDC unit code missing from the alias table must not be read as a UCUM number. */
    @Test
    void unknownMdcUnitCodeIsUnitUnknown() {
      Rejection r = rejected(reading("SpO2", "97", "262689"));
      assertThat(r.reason()).isEqualTo(RejectionReason.UNIT_UNKNOWN);
      assertThat(r.field()).isEqualTo("unit");
    }

    @Test
    void unitIncompatible() {
      Rejection r = rejected(reading("SpO2", "97", "mmHg"));
      assertThat(r.reason()).isEqualTo(RejectionReason.UNIT_INCOMPATIBLE);
      assertThat(r.field()).isEqualTo("unit");
      assertThat(r.detail()).contains("mmHg").contains("SpO2").contains("%");
    }

    @Test
    void unitIncompatibleWithEveryCandidate() {
      // EtCO2 is either mm[Hg] or %; kg fits neither
      assertThat(rejected(reading("EtCO2", "5", "kg")).reason())
          .isEqualTo(RejectionReason.UNIT_INCOMPATIBLE);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"garbage", "2026-13-01T00:00:00Z", "20261301", "2026-03-15T10:30+99:00"})
    void badTimestamp(String timestamp) {
      Rejection r = rejected(reading("monitor-1", "SpO2", "97", "%", timestamp));
      assertThat(r.reason()).isEqualTo(RejectionReason.BAD_TIMESTAMP);
      assertThat(r.field()).isEqualTo("timestamp");
      assertThat(r.detail()).contains(timestamp);
    }

    @Test
    void localTimeWithoutAnyZoneIsABadTimestamp() {
      Harmonizer noZone = harmonizer(SETTINGS.withDefaultZone(null));
      HarmonizeResult result =
          noZone.harmonize(
              reading("monitor-1", "SpO2", "97", "%", "2026-03-15T10:30:00"), RECEIVED, null);
      assertThat(result)
          .isEqualTo(
              new HarmonizeResult.Rejected(
                  new Rejection(
                      RejectionReason.BAD_TIMESTAMP,
                      "timestamp",
                      "local time '2026-03-15T10:30' has no offset and no zone is configured for"
                          + " the device")));
    }

    @Test
    void rejectionNamesTheFieldTheDecoderReported() {
      DeviceReading r =
          new DeviceReading(
              "monitor-1",
              "SpO2",
              "abc",
              "%",
              null,
              TimeSpec.AUTO,
              new DeviceReading.Fields(
                  "$.device",
                  "$.readings[1].type",
                  "$.readings[1].value",
                  "$.readings[1].unit",
                  "$.ts"),
              null);
      assertThat(rejected(r).field()).isEqualTo("$.readings[1].value");
    }
  }

  @Nested
  class Time {
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingTimestampUsesReceiptTimeAndSaysSo(String timestamp) {
      Measurement m = accepted(reading("monitor-1", "SpO2", "97", "%", timestamp));
      assertThat(m.observedAt()).isEqualTo(RECEIVED);
      assertThat(m.receivedAt()).isEqualTo(RECEIVED);
      assertThat(m.flags()).containsExactly(MeasurementFlag.TIME_FROM_RECEIPT);
    }

    @Test
    void timestampAnHourInTheFutureIsFlagged() {
      String future = RECEIVED.plus(Duration.ofHours(1)).toString();
      Measurement m = accepted(reading("monitor-1", "SpO2", "97", "%", future));
      assertThat(m.observedAt()).isEqualTo(Instant.parse(future));
      assertThat(m.flags()).containsExactly(MeasurementFlag.FUTURE_TIMESTAMP);
    }

    @Test
    void timestampWithinClockSkewToleranceIsNotFlagged() {
      String ahead = RECEIVED.plus(Duration.ofMinutes(4)).toString();
      assertThat(accepted(reading("monitor-1", "SpO2", "97", "%", ahead)).flags()).isEmpty();
      String exactlyAtTolerance = RECEIVED.plus(Duration.ofMinutes(5)).toString();
      assertThat(accepted(reading("monitor-1", "SpO2", "97", "%", exactlyAtTolerance)).flags())
          .isEmpty();
      String justBeyond = RECEIVED.plus(Duration.ofMinutes(5)).plusMillis(1).toString();
      assertThat(accepted(reading("monitor-1", "SpO2", "97", "%", justBeyond)).flags())
          .containsExactly(MeasurementFlag.FUTURE_TIMESTAMP);
    }

    @Test
    void pastTimestampIsNotFlagged() {
      String past = RECEIVED.minus(Duration.ofDays(2)).toString();
      assertThat(accepted(reading("monitor-1", "SpO2", "97", "%", past)).flags()).isEmpty();
    }

    @Test
    void localTimeInDstGapWithDeviceZoneFromSettings() {
      Instant received = Instant.parse("2026-03-29T02:00:00Z");
      Measurement m =
          accepted(
              HARMONIZER.harmonize(
                  reading("bedside-7", "SpO2", "97", "%", "2026-03-29T02:30:00"),
                  received,
                  PROVENANCE));
      assertThat(m.observedAt()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
      assertThat(m.flags()).containsExactly(MeasurementFlag.LOCAL_TIME_IN_GAP);
    }

    @Test
    void localTimeInDstOverlapWithDeviceZoneFromSettings() {
      Instant received = Instant.parse("2026-10-25T03:00:00Z");
      Measurement m =
          accepted(
              HARMONIZER.harmonize(
                  reading("bedside-7", "SpO2", "97", "%", "20261025023000"), received, PROVENANCE));
      assertThat(m.observedAt()).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
      assertThat(m.flags()).containsExactly(MeasurementFlag.LOCAL_TIME_AMBIGUOUS);
    }

    @Test
    void otherDevicesUseTheDefaultZone() {
      Measurement m =
          accepted(
              HARMONIZER.harmonize(
                  reading("monitor-1", "SpO2", "97", "%", "2026-03-29T02:30:00"),
                  Instant.parse("2026-03-29T02:31:00Z"),
                  PROVENANCE));
      assertThat(m.observedAt()).isEqualTo(Instant.parse("2026-03-29T02:30:00Z"));
      assertThat(m.flags()).isEmpty();
    }

    @Test
    void timeSpecOfTheReadingIsUsed() {
      DeviceReading r =
          new DeviceReading(
              "monitor-1",
              "SpO2",
              "97",
              "%",
              Long.toString(Instant.parse(OBSERVED).getEpochSecond()),
              TimeSpec.of(TimeFormat.EPOCH_SECONDS),
              null,
              null);
      assertThat(accepted(r).observedAt()).isEqualTo(Instant.parse(OBSERVED));
    }
  }

  @Nested
  class DeterministicId {
    private UUID id(DeviceReading r) {
      return accepted(r).id();
    }

    private UUID id(String device, String label, String value, String unit, String time) {
      return id(reading(device, label, value, unit, time));
    }

    @Test
    void sameReadingTwiceGivesTheSameId() {
      assertThat(id("monitor-1", "SpO2", "97", "%", OBSERVED))
          .isEqualTo(id("monitor-1", "SpO2", "97", "%", OBSERVED));
    }

    @Test
    void retransmissionReceivedLaterGivesTheSameId() {
      DeviceReading r = reading("SpO2", "97", "%");
      UUID first = accepted(HARMONIZER.harmonize(r, RECEIVED, PROVENANCE)).id();
      UUID later =
          accepted(HARMONIZER.harmonize(r, RECEIVED.plusSeconds(30), Provenance.NONE)).id();
      assertThat(later).isEqualTo(first);
    }

    @Test
    void trailingZerosDoNotChangeTheId() {
      UUID plain = id("monitor-1", "SpO2", "97", "%", OBSERVED);
      assertThat(id("monitor-1", "SpO2", "97.0", "%", OBSERVED)).isEqualTo(plain);
      assertThat(id("monitor-1", "SpO2", "97.00", "%", OBSERVED)).isEqualTo(plain);
      assertThat(id("monitor-1", "SpO2", "9.7e1", "%", OBSERVED)).isEqualTo(plain);
    }

    @Test
    void labelAndUnitSpellingDoNotChangeTheId() {
      UUID canonical = id("monitor-1", "MDC_PULS_OXIM_SAT_O2", "97", "%", OBSERVED);
      assertThat(id("monitor-1", "SpO2", "97", "%SpO2", OBSERVED)).isEqualTo(canonical);
      assertThat(id("monitor-1", "150456", "97", "262688", OBSERVED)).isEqualTo(canonical);
      // the same instant written another way
      assertThat(id("monitor-1", "SpO2", "97", "%", "2026-03-15T11:30:00+01:00"))
          .isEqualTo(canonical);
    }

    @Test
    void sameValueInAnotherUnitGivesTheSameId() {
      assertThat(id("monitor-1", "Temp", "98.6", "degF", OBSERVED))
          .isEqualTo(id("monitor-1", "Temp", "37", "Cel", OBSERVED));
    }

    @Test
    void differentValueTimeDeviceOrMetricGiveDifferentIds() {
      UUID base = id("monitor-1", "SpO2", "97", "%", OBSERVED);
      assertThat(id("monitor-1", "SpO2", "96", "%", OBSERVED)).isNotEqualTo(base);
      assertThat(id("monitor-1", "SpO2", "97", "%", "2026-03-15T10:30:01Z")).isNotEqualTo(base);
      assertThat(id("monitor-1", "SpO2", "97", "%", "2026-03-15T10:30:00.001Z")).isNotEqualTo(base);
      assertThat(id("monitor-2", "SpO2", "97", "%", OBSERVED)).isNotEqualTo(base);
      assertThat(id("monitor-1", "PI", "97", "%", OBSERVED)).isNotEqualTo(base);
    }

    @Test
    void idIsATimeOrderedVersion8Uuid() {
      UUID id = id("monitor-1", "SpO2", "97", "%", OBSERVED);
      assertThat(id.version()).isEqualTo(8);
      assertThat(id.getMostSignificantBits() >>> 16)
          .isEqualTo(Instant.parse(OBSERVED).toEpochMilli());
      assertThat(id.variant()).isEqualTo(2);
    }
  }

  @Nested
  class PresetValues {
    private static final Value.Coded SINUS =
        new Value.Coded("urn:iso:std:iso:11073:10101", "0", "normal sinus");

    private DeviceReading preset(String label, Value value, String timestamp) {
      return new DeviceReading(
              "monitor-1", label, "raw", null, timestamp, TimeSpec.AUTO, null, null)
          .withPreset(value);
    }

    @Test
    void aCodedReadingNeedsNoUnitAndKeepsItsCode() {
      Measurement m = accepted(preset("150456", SINUS, OBSERVED));
      assertThat(m.metric().mdc()).isEqualTo(150456);
      assertThat(m.value()).isEqualTo(SINUS);
      assertThat(m.observedAt()).isEqualTo(Instant.parse(OBSERVED));
      assertThat(m.flags()).isEmpty();
      assertThat(m.id())
          .isEqualTo(MeasurementIds.of(m.device(), m.metric(), m.observedAt(), SINUS));
    }

    @Test
    void aTextReadingNeedsNoUnitAndKeepsItsText() {
      Measurement m = accepted(preset("SpO2", new Value.Text("lead off"), OBSERVED));
      assertThat(m.metric().mdc()).isEqualTo(150456);
      assertThat(m.value()).isEqualTo(new Value.Text("lead off"));
    }

    @Test
    void theIdIsDeterministicAndDiffersByValue() {
      UUID first = accepted(preset("SpO2", SINUS, OBSERVED)).id();
      UUID again = accepted(preset("SpO2", SINUS, OBSERVED)).id();
      UUID otherCode =
          accepted(preset("SpO2", new Value.Coded(SINUS.system(), "1", null), OBSERVED)).id();
      UUID text = accepted(preset("SpO2", new Value.Text("lead off"), OBSERVED)).id();
      UUID otherText = accepted(preset("SpO2", new Value.Text("lead on"), OBSERVED)).id();
      assertThat(again).isEqualTo(first);
      assertThat(java.util.Set.of(first, otherCode, text, otherText)).hasSize(4);
    }

    @Test
    void anUnknownLabelIsStillAnUnknownMetric() {
      assertThat(rejected(preset("MDC_ECG_RHY_SINUS_NOT_SHIPPED", SINUS, OBSERVED)).reason())
          .isEqualTo(RejectionReason.UNKNOWN_METRIC);
    }

    @Test
    void timeAndDeviceAreCheckedTheSameWay() {
      assertThat(rejected(preset("SpO2", SINUS, "not a time")).reason())
          .isEqualTo(RejectionReason.BAD_TIMESTAMP);
      Measurement m = accepted(preset("SpO2", SINUS, null));
      assertThat(m.observedAt()).isEqualTo(RECEIVED);
      assertThat(m.flags()).containsExactly(MeasurementFlag.TIME_FROM_RECEIPT);
      DeviceReading noDevice =
          new DeviceReading(null, "SpO2", "raw", null, OBSERVED, TimeSpec.AUTO, null, null)
              .withPreset(SINUS);
      assertThat(rejected(noDevice).reason()).isEqualTo(RejectionReason.MISSING_FIELD);
    }
  }

  @Nested
  class ResultStatus {
    @Test
    void theReadingsStatusCarriesOverAndDoesNotChangeTheId() {
      DeviceReading r = reading("SpO2", "97", "%");
      Measurement fin = accepted(r);
      Measurement prelim = accepted(r.withStatus(MeasurementStatus.PRELIMINARY));
      assertThat(fin.status()).isEqualTo(MeasurementStatus.FINAL);
      assertThat(prelim.status()).isEqualTo(MeasurementStatus.PRELIMINARY);
      assertThat(prelim.id()).isEqualTo(fin.id());
    }

    @Test
    void aRetractionWithTheOriginalValueHasTheOriginalsId() {
      DeviceReading r = reading("SpO2", "97", "%");
      Measurement retraction = accepted(r.withStatus(MeasurementStatus.ENTERED_IN_ERROR));
      assertThat(retraction.status()).isEqualTo(MeasurementStatus.ENTERED_IN_ERROR);
      assertThat(retraction.id()).isEqualTo(accepted(r).id());
    }

    @Test
    void aRetractionWithoutAValueHasAnAbsentValueButAnyOtherReadingNeedsOne() {
      DeviceReading r = reading("SpO2", null, null);
      Measurement retraction = accepted(r.withStatus(MeasurementStatus.ENTERED_IN_ERROR));
      assertThat(retraction.value()).isEqualTo(new Value.Absent());
      assertThat(retraction.metric().mdc()).isEqualTo(150456);
      assertThat(retraction.observedAt()).isEqualTo(Instant.parse(OBSERVED));
      assertThat(rejected(r).reason()).isEqualTo(RejectionReason.MISSING_FIELD);
      assertThat(rejected(r.withStatus(MeasurementStatus.PRELIMINARY)).reason())
          .isEqualTo(RejectionReason.MISSING_FIELD);
    }
  }
}
