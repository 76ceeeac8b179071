package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UcumUnits;
import org.vitalbridge.core.units.UnitAliases;
import org.vitalbridge.core.units.UnitResolver;

class Pcd01DecoderTest {
  private static final Pcd01Decoder DECODER = new Pcd01Decoder();
  private static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(DECODER),
          new Harmonizer(
              TerminologyLoader.shipped(),
              new UnitResolver(UnitAliases.shipped(), UcumUnits.load()),
              HarmonizerSettings.DEFAULTS));

  private static String fixture(String name) throws Exception {
    return Files.readString(Path.of("src/test/resources/pcd01/" + name), StandardCharsets.UTF_8);
  }

  private static RawMessage raw(String er7) {
    return new RawMessage(
        "raw-1",
        er7.getBytes(StandardCharsets.UTF_8),
        Hl7Messages.CONTENT_TYPE,
        "mllp",
        "test",
        null,
        Instant.parse("2026-11-24T09:16:00Z"));
  }

  @Test
  void numericObxRowsBecomeReadingsWithTheContainmentDeviceAndPatient() throws Exception {
    MappingResult r = DECODER.decode(raw(fixture("oru-mixed.hl7")));

    List<DeviceReading> readings = ((MappingResult.Mapped) r).readings();
    assertThat(readings).hasSize(4);
    assertThat(readings)
        .allSatisfy(
            d -> {
              assertThat(d.device()).isEqualTo("0123456789ABCDEF");
              assertThat(d.subject()).isEqualTo("12345");
              assertThat(d.location()).isEqualTo("ICU/301/1");
            });
    assertThat(readings.get(0).label()).isEqualTo("150456");
    assertThat(readings.get(0).unit()).isEqualTo("262688");
    assertThat(readings.get(2).unit()).isEqualTo("mm[Hg]");
    assertThat(readings.get(3).fields().value()).isEqualTo("OBX^5^5");
  }

  @Test
  void theObx4ContainmentTreeIsKeptOnEachMeasurement() throws Exception {
    List<Outcome> outcomes = PROCESSOR.process(raw(fixture("oru-containment.hl7")));

    List<Containment> tree =
        outcomes.stream().map(o -> ((Outcome.Accepted) o).measurement().containment()).toList();
    assertThat(tree)
        .containsExactly(
            new Containment(
                "1.1.1.1", "69642^MDC_DEV_ANALY_SAT_O2_VMD", "70675^MDC_DEV_ANALY_SAT_O2_CHAN"),
            new Containment("1.2.1.1", "69798^MDC_DEV_ANALY_PRESS_BLD_VMD", null));
  }

  @Test
  void codedAndTextRowsBecomeMeasurementsAndAWaveformWithoutRateIsQuarantinedNotDropped()
      throws Exception {
    String er7 =
        fixture("oru-containment.hl7")
            + "OBX|7|CWE|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.1.1.2|0^normal sinus^MDC|||||R|||20261124101500+0000\r"
            + "OBX|8|ST|150488^MDC_PULS_OXIM_PERF_REL^MDC|1.1.1.3|lead off|||||R|||20261124101500+0000\r"
            + "OBX|9|NA|131329^MDC_ECG_ELEC_POTL_I^MDC|1.3.1.3|1^2^3^4|266418^MDC_DIM_MILLI_VOLT^MDC|||||R|||20261124101500+0000\r"
            + "OBX|10|CE|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.1.1.2|N^Normal^HL70078|||||R|||20261124101500+0000\r";

    List<Outcome> outcomes = PROCESSOR.process(raw(er7));

    List<Measurement> accepted =
        outcomes.stream()
            .filter(Outcome.Accepted.class::isInstance)
            .map(o -> ((Outcome.Accepted) o).measurement())
            .toList();
    assertThat(accepted).hasSize(5);
    assertThat(accepted.get(2).metric().mdc()).isEqualTo(149530);
    assertThat(accepted.get(2).value())
        .isEqualTo(
            new org.vitalbridge.core.model.Value.Coded(
                "urn:iso:std:iso:11073:10101", "0", "normal sinus"));
    assertThat(accepted.get(2).containment().path()).isEqualTo("1.1.1.2");
    assertThat(accepted.get(2).observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
    assertThat(accepted.get(3).metric().mdc()).isEqualTo(150488);
    assertThat(accepted.get(3).value())
        .isEqualTo(new org.vitalbridge.core.model.Value.Text("lead off"));
    assertThat(accepted.get(4).value())
        .isEqualTo(new org.vitalbridge.core.model.Value.Coded("HL70078", "N", "Normal"));
    assertThat(accepted.get(2).id()).isNotEqualTo(accepted.get(4).id());
    assertThat(
            outcomes.stream()
                .filter(o -> o instanceof Outcome.Rejected)
                .map(o -> ((Outcome.Rejected) o).rejection()))
        .extracting(r -> r.reason(), r -> r.field())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RejectionReason.MISSING_FIELD, "OBX^9^5"));
    Message parsed = Hl7Messages.parse(er7);
    assertThat(new Pcd01Acknowledger().processed(parsed, outcomes).er7())
        .contains("MSA|AE|")
        .contains("ERR||OBX^9^5|101^");
  }

  /**
   * The containment fixture plus an ECG lead II strip (IHE PCD WCM): the NA row 7 with OBX-5 as
   * given and its attribute rows one level below it — rate (if given), data range, resolution.
   */
  static String withWaveform(String samples, String rateRow) throws Exception {
    return fixture("oru-containment.hl7")
        + "OBX|7|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.3.1.1|"
        + samples
        + "|266418^MDC_DIM_MILLI_VOLT^MDC|||||F|||20261124101500.000+0000\r"
        + rateRow
        + "OBX|9|NR|0^MDC_ATTR_DATA_RANGE^MDC|1.3.1.1.2|-5^5|266418^MDC_DIM_MILLI_VOLT^MDC|||||F\r"
        + "OBX|10|NM|2327^MDC_ATTR_NU_MSMT_RES^MDC|1.3.1.1.3|0.01|266418^MDC_DIM_MILLI_VOLT^MDC|||||F\r";
  }

  static final String RATE_250 =
      "OBX|8|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.3.1.1.1|250|264608^MDC_DIM_PER_SEC^MDC|||||F\r";

  @Test
  void aWaveformRowBecomesOneSampledSeriesAndItsAttributeRowsNothing() throws Exception {
    List<Outcome> outcomes = PROCESSOR.process(raw(withWaveform("0.1^-0.25^1.5^2^0", RATE_250)));

    assertThat(rejections(outcomes)).isEmpty();
    List<Measurement> accepted = accepted(outcomes);
    // SpO2 and NIBP from the fixture, the strip — nothing for the rate, range and resolution rows.
    assertThat(accepted).hasSize(3);
    Measurement ecg = accepted.get(2);
    assertThat(ecg.metric().mdc()).isEqualTo(131330);
    assertThat(ecg.containment().path()).isEqualTo("1.3.1.1");
    assertThat(ecg.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
    Value.SampledSeries s = (Value.SampledSeries) ecg.value();
    assertThat(s.periodMillis()).isEqualByComparingTo("4");
    assertThat(s.unit()).isEqualTo("mV");
    assertThat(s.origin()).isEqualByComparingTo("0");
    assertThat(s.factor()).isEqualByComparingTo("0.01");
    assertThat(s.data()).containsExactly(10L, -25L, 150L, 200L, 0L);
    Message parsed = Hl7Messages.parse(withWaveform("0.1^-0.25^1.5^2^0", RATE_250));
    assertThat(new Pcd01Acknowledger().processed(parsed, outcomes).er7()).contains("MSA|AA|");
  }

  @Test
  void aWaveformInAnotherUnitIsRescaledNotResampled() throws Exception {
    String er7 =
        fixture("oru-containment.hl7")
            + "OBX|7|NA|150036^MDC_PRESS_BLD_ART_ABP^MDC|1.4.1.1|10^12^16|265987^MDC_DIM_KILO_PASCAL^MDC|||||F|||20261124101500+0000\r"
            + "OBX|8|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.4.1.1.1|125|264608^MDC_DIM_PER_SEC^MDC|||||F\r";

    Measurement art = accepted(PROCESSOR.process(raw(er7))).get(2);

    Value.SampledSeries s = (Value.SampledSeries) art.value();
    assertThat(s.unit()).isEqualTo("mm[Hg]");
    assertThat(s.periodMillis()).isEqualByComparingTo("8");
    assertThat(s.data()).containsExactly(10L, 12L, 16L);
    // 1 kPa in mm[Hg] as UCUM defines it (m[Hg] = 133.3220 kPa).
    assertThat(s.factor())
        .isCloseTo(
            new java.math.BigDecimal("7.500616"),
            org.assertj.core.api.Assertions.within(new java.math.BigDecimal("0.000001")));
    assertThat(s.origin()).isEqualByComparingTo("0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1^2^abc^4", "1^^3", "1^2^NaN", "1^1e3^2"})
  void aSampleThatIsNotANumberRejectsTheRowWithErr102(String samples) throws Exception {
    String er7 = withWaveform(samples, RATE_250);
    List<Outcome> outcomes = PROCESSOR.process(raw(er7));

    assertThat(accepted(outcomes)).extracting(m -> m.metric().mdc()).doesNotContain(131330);
    assertThat(rejections(outcomes))
        .extracting(r -> r.reason(), r -> r.field())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RejectionReason.NOT_NUMERIC, "OBX^7^5"));
    assertThat(new Pcd01Acknowledger().processed(Hl7Messages.parse(er7), outcomes).er7())
        .contains("MSA|AE|")
        .contains("ERR||OBX^7^5|102^Data type error^HL70357|E");
  }

  @Test
  void aWaveformWithoutSampleRateIsRejectedNamingWhatIsMissing() throws Exception {
    String er7 = withWaveform("1^2^3", "");
    List<Outcome> outcomes = PROCESSOR.process(raw(er7));

    assertThat(accepted(outcomes)).hasSize(2);
    assertThat(rejections(outcomes))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
              assertThat(r.field()).isEqualTo("OBX^7^5");
              assertThat(r.detail()).contains("MDC_ATTR_SAMP_RATE").contains("1.3.1.1");
            });
    assertThat(new Pcd01Acknowledger().processed(Hl7Messages.parse(er7), outcomes).er7())
        .contains("MSA|AE|")
        .contains("ERR||OBX^7^5|101^");
  }

  @ParameterizedTest
  @CsvSource({
    "abc, 264608^MDC_DIM_PER_SEC^MDC, OBX^8^5",
    "0, 264608^MDC_DIM_PER_SEC^MDC, OBX^8^5",
    "250, 264338^MDC_DIM_MILLI_SEC^MDC, OBX^8^6",
    "250, '', OBX^8^6"
  })
  void aSampleRateThatIsNotAPositiveRatePerSecondRejectsTheStrip(
      String rate, String unit, String field) throws Exception {
    String row = "OBX|8|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.3.1.1.1|" + rate + "|" + unit + "|||||F\r";
    List<Outcome> outcomes = PROCESSOR.process(raw(withWaveform("1^2^3", row)));

    assertThat(accepted(outcomes)).hasSize(2);
    assertThat(rejections(outcomes)).extracting(r -> r.field()).containsExactly(field);
  }

  /** The containment fixture plus one pulse-rate row 7 with OBX-2, OBX-5 and OBX-11 as given. */
  private static String withRow7(String valueType, String value, String status) throws Exception {
    return fixture("oru-containment.hl7")
        + "OBX|7|"
        + valueType
        + "|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.1.1.2|"
        + value
        + "|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||"
        + status
        + "|||20261124101500+0000\r";
  }

  private static List<Measurement> accepted(List<Outcome> outcomes) {
    return outcomes.stream()
        .filter(Outcome.Accepted.class::isInstance)
        .map(o -> ((Outcome.Accepted) o).measurement())
        .toList();
  }

  private static Measurement pulseRate(List<Outcome> outcomes) {
    return accepted(outcomes).stream()
        .filter(m -> m.metric().mdc() == 149530)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pulse rate in " + outcomes));
  }

  private static List<org.vitalbridge.core.model.Rejection> rejections(List<Outcome> outcomes) {
    return outcomes.stream()
        .filter(Outcome.Rejected.class::isInstance)
        .map(o -> ((Outcome.Rejected) o).rejection())
        .toList();
  }

  @ParameterizedTest(name = "OBX-11 \"{0}\" -> {1}")
  @CsvSource({
    "F, FINAL",
    "P, PRELIMINARY",
    "R, PRELIMINARY",
    "S, PRELIMINARY",
    "C, AMENDED",
    "D, ENTERED_IN_ERROR",
    "W, ENTERED_IN_ERROR",
    "' ', FINAL"
  })
  void eachResultStatusOfTable0085BecomesTheMeasurementStatusWithoutChangingItsId(
      String obx11, MeasurementStatus expected) throws Exception {
    List<Outcome> outcomes = PROCESSOR.process(raw(withRow7("NM", "72", obx11.strip())));

    assertThat(rejections(outcomes)).isEmpty();
    Measurement m = pulseRate(outcomes);
    assertThat(m.status()).isEqualTo(expected);
    assertThat(m.value()).isEqualTo(new Value.Quantity(new java.math.BigDecimal("72"), "/min"));
    assertThat(m.id())
        .as("the status is not part of the id: every version names the same measurement")
        .isEqualTo(pulseRate(PROCESSOR.process(raw(withRow7("NM", "72", "F")))).id());
  }

  @Test
  void theFixturesRowsMarkedRAreReadAsPreliminary() throws Exception {
    assertThat(accepted(PROCESSOR.process(raw(fixture("oru-containment.hl7")))))
        .extracting(Measurement::status)
        .containsExactly(MeasurementStatus.PRELIMINARY, MeasurementStatus.PRELIMINARY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"X", "N", "I", "O"})
  void rowsWithoutAResultAreQuarantinedNeverStored(String obx11) throws Exception {
    String er7 = withRow7("NM", "72", obx11);
    List<Outcome> outcomes = PROCESSOR.process(raw(er7));

    assertThat(accepted(outcomes)).extracting(m -> m.metric().mdc()).doesNotContain(149530);
    assertThat(rejections(outcomes))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectionReason.UNSUPPORTED_VALUE);
              assertThat(r.field()).isEqualTo("OBX^7^11");
              assertThat(r.detail()).contains("result status " + obx11, "no result");
            });
    assertThat(new Pcd01Acknowledger().processed(Hl7Messages.parse(er7), outcomes).er7())
        .contains("MSA|AE|")
        .contains("ERR||OBX^7^11|102^");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Z", "U", "A", "f", "FINAL"})
  void aStatusOutsideTheSupportedCodesIsRejectedNamingTheField(String obx11) throws Exception {
    String er7 = withRow7("NM", "72", obx11);
    List<Outcome> outcomes = PROCESSOR.process(raw(er7));

    assertThat(accepted(outcomes)).extracting(m -> m.metric().mdc()).doesNotContain(149530);
    assertThat(rejections(outcomes))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectionReason.UNSUPPORTED_STATUS);
              assertThat(r.field()).isEqualTo("OBX^7^11");
              assertThat(r.detail()).contains("'" + obx11 + "'", "149530", "table 0085");
            });
    assertThat(new Pcd01Acknowledger().processed(Hl7Messages.parse(er7), outcomes).er7())
        .contains("MSA|AE|")
        .contains("ERR||OBX^7^11|103^Table value not found^HL70357|E");
  }

  @ParameterizedTest
  @CsvSource({"NM, D", "NM, W", "CWE, W", "ST, D"})
  void aRetractionWithoutAValueNamesTheSlotWithAnAbsentValue(String valueType, String obx11)
      throws Exception {
    List<Outcome> outcomes = PROCESSOR.process(raw(withRow7(valueType, "", obx11)));

    assertThat(rejections(outcomes)).isEmpty();
    Measurement m = pulseRate(outcomes);
    assertThat(m.value()).isEqualTo(new Value.Absent());
    assertThat(m.status()).isEqualTo(MeasurementStatus.ENTERED_IN_ERROR);
    assertThat(m.device().value()).isEqualTo("0123456789ABCDEF");
    assertThat(m.observedAt()).isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
  }

  @Test
  void aCodedRetractionWithItsValueKeepsTheValueAndAResultWithoutOneIsMissingIt() throws Exception {
    Measurement coded =
        pulseRate(PROCESSOR.process(raw(withRow7("CWE", "0^normal sinus^MDC", "W"))));
    assertThat(coded.value())
        .isEqualTo(new Value.Coded("urn:iso:std:iso:11073:10101", "0", "normal sinus"));
    assertThat(coded.status()).isEqualTo(MeasurementStatus.ENTERED_IN_ERROR);

    assertThat(rejections(PROCESSOR.process(raw(withRow7("NM", "", "F")))))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
              assertThat(r.field()).isEqualTo("OBX^7^5");
            });
    // A coded row without a value and without a retraction status is a container row: skipped.
    assertThat(accepted(PROCESSOR.process(raw(withRow7("CWE", "", "F")))))
        .extracting(m -> m.metric().mdc())
        .doesNotContain(149530);
  }

  @Test
  void harmonizedWithTheBadRowRejectedAndTheOthersKept() throws Exception {
    List<Outcome> outcomes = PROCESSOR.process(raw(fixture("oru-mixed.hl7")));

    List<Measurement> ok =
        outcomes.stream()
            .filter(Outcome.Accepted.class::isInstance)
            .map(o -> ((Outcome.Accepted) o).measurement())
            .toList();
    assertThat(ok).extracting(m -> m.metric().mdc()).containsExactly(150456, 147842, 150021);
    assertThat(ok.get(0).observedAt()).isEqualTo(Instant.parse("2026-11-24T09:15:00Z"));
    assertThat(ok.get(0).subject()).isEqualTo("12345");
    Outcome.Rejected bad =
        outcomes.stream()
            .filter(Outcome.Rejected.class::isInstance)
            .map(Outcome.Rejected.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(bad.rejection().reason()).isEqualTo(RejectionReason.NOT_NUMERIC);
    assertThat(bad.rejection().field()).isEqualTo("OBX^5^5");
  }

  @Test
  void aPartlyBadMessageIsAnsweredAeWithOneErrPerProblem() throws Exception {
    Message m = Hl7Messages.parse(fixture("oru-mixed.hl7"));
    Hl7Acknowledgment ack =
        new Pcd01Acknowledger().processed(m, PROCESSOR.process(raw(fixture("oru-mixed.hl7"))));

    assertThat(ack.code()).isEqualTo("AE");
    assertThat(ack.controlId()).isEqualTo("MSG0001");
    assertThat(ack.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.location()).isEqualTo("OBX^5^5");
              assertThat(e.code()).isEqualTo("102");
            });
    assertThat(ack.er7())
        .contains("MSA|AE|MSG0001")
        .contains("ERR||OBX^5^5|102^Data type error^HL70357|E");
  }

  @Test
  void unsupportedTypesAndVersionsAreRefusedWithAr() throws Exception {
    Pcd01Acknowledger acks = new Pcd01Acknowledger();
    Message orm =
        Hl7Messages.parse(
            fixture("oru-mixed.hl7").replace("ORU^R01^ORU_R01|MSG0001", "ORM^O01^ORM_O01|ORM01"));
    Message a05 = Hl7Messages.parse(fixture("adt-a01.hl7").replace("ADT^A01", "ADT^A05"));
    Message old = Hl7Messages.parse(fixture("oru-v23.hl7"));

    Hl7Acknowledgment.Error ormWhy = acks.refusal(orm).orElseThrow();
    assertThat(ormWhy.code()).isEqualTo("200");
    assertThat(acks.refusal(a05).orElseThrow().code()).isEqualTo("201");
    assertThat(acks.refusal(old).orElseThrow().code()).isEqualTo("203");
    assertThat(acks.refused(orm, ormWhy).er7()).contains("MSA|AR|ORM01");
    assertThat(acks.refusal(Hl7Messages.parse(fixture("oru-mixed.hl7")))).isEmpty();
    // Bed movements are handled: they drive the patient associations.
    assertThat(acks.refusal(Hl7Messages.parse(fixture("adt-a01.hl7")))).isEmpty();
  }

  @Test
  void garbageIsAMalformedPayloadNotAnException() {
    MappingResult r = DECODER.decode(raw("this is not HL7"));

    assertThat(r).isInstanceOf(MappingResult.Failed.class);
    assertThat(((MappingResult.Failed) r).rejection().reason())
        .isEqualTo(RejectionReason.MALFORMED_PAYLOAD);
  }
}
