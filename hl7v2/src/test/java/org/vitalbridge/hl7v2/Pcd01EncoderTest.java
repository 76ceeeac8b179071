package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.harmonize.MeasurementIds;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.model.DeviceId;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.MeasurementStatus;
import org.vitalbridge.core.model.MetricCode;
import org.vitalbridge.core.model.Provenance;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Value;
import org.vitalbridge.core.pipeline.MessageProcessor;
import org.vitalbridge.core.pipeline.Outcome;
import org.vitalbridge.core.terminology.TerminologyLoader;
import org.vitalbridge.core.units.UnitResolver;

class Pcd01EncoderTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:16:00Z");
  private static final Hl7DestinationConfig CONFIG =
      new Hl7DestinationConfig(
          "hl7",
          "localhost",
          2575,
          false,
          "EHR",
          "HOSP",
          "VitalBridge",
          "Hospital",
          Duration.ofSeconds(5),
          10);
  private static final Pcd01Encoder ENCODER =
      new Pcd01Encoder(CONFIG, Clock.fixed(NOW, ZoneOffset.UTC));
  private static final MessageProcessor PROCESSOR =
      new MessageProcessor(
          List.of(new Pcd01Decoder()),
          new Harmonizer(
              TerminologyLoader.shipped(), UnitResolver.shipped(), HarmonizerSettings.DEFAULTS));
  private static final MetricCode SPO2 =
      new MetricCode(150456, "MDC_PULS_OXIM_SAT_O2", "2708-6", "Oxygen saturation");
  private static final String DEVICE = "0123456789ABCDEF";

  @Test
  void headerPatientVisitAndOrderFollowPcd01() throws Exception {
    List<String> segments = segments(ENCODER.er7(fromFixture("oru-containment.hl7"), "VB0001"));

    assertThat(segments.get(0))
        .isEqualTo(
            "MSH|^~\\&|VitalBridge||EHR|HOSP|20261124101600+0000||ORU^R01^ORU_R01|VB0001|P|2.6|||NE"
                + "|AL||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO");
    assertThat(segments.get(1)).isEqualTo("PID|1||12345^^^Hospital^PI");
    assertThat(segments.get(2)).isEqualTo("PV1||I|ICU^301^1");
    assertThat(segments.get(3))
        .isEqualTo(
            "OBR|1||"
                + Pcd01Encoder.fillerOrderNumber(fromFixture("oru-containment.hl7"))
                + "^VitalBridge|182777000^monitoring of patient^SNOMED-CT|||"
                + "20261124101500+0000");
  }

  @Test
  void obxRowsRebuildTheMdsVmdChannelTree() throws Exception {
    List<String> obx = obxRows(ENCODER.er7(fromFixture("oru-containment.hl7"), "VB0001"));

    assertThat(obx)
        .containsExactly(
            "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||"
                + "0123456789ABCDEF^EUI-64",
            "OBX|2||69642^MDC_DEV_ANALY_SAT_O2_VMD^MDC|1.1.0.0|||||||X",
            "OBX|3||70675^MDC_DEV_ANALY_SAT_O2_CHAN^MDC|1.1.1.0|||||||X",
            "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|98|%^%^UCUM|||||P|||"
                + "20261124101500+0000||||0123456789ABCDEF^EUI-64",
            "OBX|5||69798^MDC_DEV_ANALY_PRESS_BLD_VMD^MDC|1.2.0.0|||||||X",
            "OBX|6|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.2.1.1|120|mm[Hg]^mm[Hg]^UCUM|||||P|||"
                + "20261124101500+0000||||0123456789ABCDEF^EUI-64");
  }

  @Test
  void theProjectsDecoderReadsBackTheSameMeasurements() throws Exception {
    for (String fixture : List.of("oru-containment.hl7", "oru-mixed.hl7")) {
      List<Measurement> sent = fromFixture(fixture);

      List<Measurement> back = decode(ENCODER.er7(sent, "VB0001"));

      assertThat(back).extracting(Pcd01EncoderTest::content).isEqualTo(content(sent));
    }
  }

  @Test
  void measurementsWithoutContainmentAreNumberedUnderTheMdsAfterThoseInUse() throws Exception {
    List<Measurement> sent =
        List.of(
            spo2(DEVICE, "97", NOW.minusSeconds(60), new Containment("1.0.0.1", null, null)),
            spo2(DEVICE, "96", NOW.minusSeconds(50), null),
            spo2(DEVICE, "95", NOW.minusSeconds(40), null));

    List<String> obx = obxRows(ENCODER.er7(sent, "VB0001"));

    assertThat(obx)
        .extracting(r -> field(r, 4))
        .containsExactly("1.0.0.0", "1.0.0.1", "1.0.0.2", "1.0.0.3");
    assertThat(decode(ENCODER.er7(sent, "VB0001")))
        .extracting(m -> m.containment().path())
        .containsExactly("1.0.0.1", "1.0.0.2", "1.0.0.3");
  }

  @Test
  void eachDeviceGetsItsOwnMdsSoTheirTreesNeverMix() throws Exception {
    Containment sameTree = new Containment("1.1.1.1", "69642^MDC_DEV_ANALY_SAT_O2_VMD", null);
    List<Measurement> sent =
        List.of(
            spo2(DEVICE, "97", NOW.minusSeconds(60), sameTree),
            spo2("monitor-7", "95", NOW.minusSeconds(60), sameTree));

    List<String> obx = obxRows(ENCODER.er7(sent, "VB0001"));

    assertThat(obx)
        .extracting(r -> field(r, 4) + " " + field(r, 18))
        .containsExactly(
            "1.0.0.0 0123456789ABCDEF^EUI-64",
            "1.1.0.0 ",
            "1.1.1.1 0123456789ABCDEF^EUI-64",
            "2.0.0.0 monitor-7",
            "2.1.0.0 ",
            "2.1.1.1 monitor-7");
  }

  @Test
  void anAmendedMeasurementIsSentAsACorrection() throws Exception {
    Measurement amended =
        spo2(DEVICE, "97", NOW.minusSeconds(60), null).withStatus(MeasurementStatus.AMENDED);

    List<String> obx = obxRows(ENCODER.er7(List.of(amended), "VB0001"));

    assertThat(field(obx.get(1), 11)).isEqualTo("C");
    assertThat(field(obx.get(0), 11)).isEqualTo("X");
  }

  @ParameterizedTest(name = "{0} -> OBX-11 {1}")
  @CsvSource({"PRELIMINARY, P", "FINAL, F", "AMENDED, C", "ENTERED_IN_ERROR, W"})
  void eachStatusGoesOutAsItsResultStatusAndComesBackAsIt(MeasurementStatus status, String obx11)
      throws Exception {
    Measurement m = spo2(DEVICE, "97", NOW.minusSeconds(60), null).withStatus(status);

    String er7 = ENCODER.er7(List.of(m), "VB0001");

    assertThat(obxRows(er7)).extracting(r -> field(r, 11)).containsExactly("X", obx11);
    assertThat(decode(er7))
        .singleElement()
        .satisfies(
            back -> {
              assertThat(back.status()).isEqualTo(status);
              assertThat(back.id()).isEqualTo(m.id());
            });
  }

  @Test
  void aCorrectionCarriesTheFillerOrderNumberOfTheResultItReplaces() throws Exception {
    Measurement original = spo2(DEVICE, "97", NOW.minusSeconds(60), null);
    Measurement corrected =
        original.associatedWith("P2", original.location()).withStatus(MeasurementStatus.AMENDED);

    String first = segments(ENCODER.er7(List.of(original), "VB0001")).get(3);
    String correction = segments(ENCODER.er7(List.of(corrected), "VB0002")).get(3);

    assertThat(field(correction, 3)).isEqualTo(field(first, 3)).isNotEqualTo("VB0001^VitalBridge");
  }

  @Test
  void textAndCodedValuesSurviveDelimitersAndNonAsciiCharacters() throws Exception {
    String text = "Sättigung | niedrig ^ 5 & 6 ~ 7 \\ µ";
    Measurement note = withValue(spo2(DEVICE, "0", NOW, null), new Value.Text(text));
    Measurement coded =
        withValue(
            spo2(DEVICE, "0", NOW, null),
            new Value.Coded("urn:iso:std:iso:11073:10101", "196670", "MDC_EVT_LO"));

    String er7 = ENCODER.er7(List.of(note, coded), "VB0001");
    ORU_R01 parsed = (ORU_R01) Hl7Messages.parse(er7);

    OBX textRow = parsed.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(1).getOBX();
    OBX codedRow = parsed.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(2).getOBX();
    assertThat(textRow.getValueType().getValue()).isEqualTo("ST");
    assertThat(textRow.getObservationValue(0).getData().toString()).isEqualTo(text);
    assertThat(textRow.getUnits().isEmpty()).isTrue();
    assertThat(er7).contains("Sättigung \\F\\ niedrig \\S\\ 5 \\T\\ 6 \\R\\ 7 \\E\\ µ");
    assertThat(codedRow.getValueType().getValue()).isEqualTo("CWE");
    assertThat(codedRow.getObservationValue(0).getData().encode())
        .isEqualTo("196670^MDC_EVT_LO^MDC");
  }

  @Test
  void withoutAPatientThePidCarriesNoIdAndWithoutABedThereIsNoPv1() throws Exception {
    Measurement unassociated = spo2(DEVICE, "97", NOW, null).associatedWith(null, null);

    String er7 = ENCODER.er7(List.of(unassociated), "VB0001");

    assertThat(segments(er7))
        .extracting(s -> s.substring(0, 3))
        .containsExactly("MSH", "PID", "OBR", "OBX", "OBX");
    assertThat(segments(er7).get(1)).isEqualTo("PID|1");
    assertThat(decode(er7))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.subject()).isNull();
              assertThat(m.location()).isNull();
            });
  }

  @Test
  void observationTimesKeepTheirMilliseconds() throws Exception {
    Instant t = Instant.parse("2026-11-24T10:15:00.250Z");

    String er7 = ENCODER.er7(List.of(spo2(DEVICE, "97", t, null)), "VB0001");

    assertThat(field(obxRows(er7).get(1), 14)).isEqualTo("20261124101500.250+0000");
    assertThat(decode(er7)).singleElement().extracting(Measurement::observedAt).isEqualTo(t);
  }

  @Test
  void aDeviceIdThatIsNotAnEui64GoesWithoutTheEui64Namespace() throws Exception {
    List<String> obx = obxRows(ENCODER.er7(List.of(spo2("monitor-7", "97", NOW, null)), "VB0001"));

    assertThat(obx).extracting(r -> field(r, 18)).containsExactly("monitor-7", "monitor-7");
  }

  @Test
  void waveformsAreRefusedRatherThanDropped() {
    Measurement strip =
        withValue(
            spo2(DEVICE, "0", NOW, null),
            new Value.SampledSeries(
                BigDecimal.ZERO, BigDecimal.TEN, BigDecimal.ONE, "mV", List.of(1L)));

    assertThatThrownBy(() -> ENCODER.er7(List.of(strip), "VB0001"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 200)
  void anySpo2ValueAndTimeComesBackAsTheSameMeasurement(
      @ForAll("percent") BigDecimal value, @ForAll("times") Instant observedAt) throws Exception {
    Measurement sent = spo2(DEVICE, value.toPlainString(), observedAt, null);

    List<Measurement> back = decode(ENCODER.er7(List.of(sent), "VB0001"));

    assertThat(back)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.id()).isEqualTo(sent.id());
              assertThat(m.value()).isEqualTo(sent.value());
              assertThat(m.observedAt()).isEqualTo(observedAt);
            });
  }

  @Provide
  Arbitrary<BigDecimal> percent() {
    return Arbitraries.bigDecimals().between(BigDecimal.ZERO, BigDecimal.valueOf(100)).ofScale(2);
  }

  @Provide
  Arbitrary<Instant> times() {
    return Arbitraries.longs()
        .between(NOW.minus(Duration.ofDays(3650)).toEpochMilli(), NOW.toEpochMilli())
        .map(Instant::ofEpochMilli);
  }

  /** What a round trip must keep; receipt time and provenance belong to the receiving side. */
  private static List<Object> content(Measurement m) {
    return List.of(
        m.id(),
        m.device(),
        String.valueOf(m.subject()),
        String.valueOf(m.location()),
        m.metric(),
        m.value(),
        m.observedAt(),
        m.status(),
        String.valueOf(m.containment()));
  }

  private static List<List<Object>> content(List<Measurement> ms) {
    return ms.stream().map(Pcd01EncoderTest::content).toList();
  }

  private static List<Measurement> fromFixture(String name) throws Exception {
    return decode(
        Files.readString(Path.of("src/test/resources/pcd01/" + name), StandardCharsets.UTF_8));
  }

  private static List<Measurement> decode(String er7) {
    List<Outcome> outcomes =
        PROCESSOR.process(
            new RawMessage(
                "raw-1",
                er7.getBytes(StandardCharsets.UTF_8),
                Hl7Messages.CONTENT_TYPE,
                "mllp",
                "test",
                null,
                NOW));
    return outcomes.stream()
        .filter(Outcome.Accepted.class::isInstance)
        .map(o -> ((Outcome.Accepted) o).measurement())
        .toList();
  }

  private static Measurement spo2(String device, String value, Instant at, Containment c) {
    DeviceId id = new DeviceId(device);
    Value v = new Value.Quantity(new BigDecimal(value), "%");
    return new Measurement(
        MeasurementIds.of(id, SPO2, at, v),
        id,
        "12345",
        "ICU/301/1",
        SPO2,
        v,
        at,
        NOW,
        MeasurementStatus.FINAL,
        Set.of(),
        Provenance.NONE,
        c);
  }

  private static Measurement withValue(Measurement m, Value v) {
    return new Measurement(
        m.id(),
        m.device(),
        m.subject(),
        m.location(),
        m.metric(),
        v,
        m.observedAt(),
        m.receivedAt(),
        m.status(),
        m.flags(),
        m.provenance(),
        m.containment());
  }

  private static List<String> segments(String er7) {
    return Arrays.asList(er7.split("\r"));
  }

  private static List<String> obxRows(String er7) {
    return segments(er7).stream().filter(s -> s.startsWith("OBX|")).toList();
  }

  /** Field {@code n} of a segment ("" when absent). */
  private static String field(String segment, int n) {
    String[] fields = segment.split("\\|", -1);
    return n < fields.length ? fields[n] : "";
  }
}
