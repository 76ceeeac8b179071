package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.harmonize.Harmonizer;
import org.vitalbridge.core.harmonize.HarmonizerSettings;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.Containment;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Measurement;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.RejectionReason;
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
  void codedAndTextRowsBecomeMeasurementsAndWaveformRowsAreQuarantinedNotDropped()
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
            org.assertj.core.groups.Tuple.tuple(RejectionReason.UNSUPPORTED_VALUE, "OBX^9^2"));
    Message parsed = Hl7Messages.parse(er7);
    assertThat(new Pcd01Acknowledger().processed(parsed, outcomes).er7())
        .contains("MSA|AE|")
        .contains("ERR||OBX^9^2|102^Data type error^HL70357|E");
  }

  @Test
  void retractedAndEmptyResultStatusesAreNeverStoredAsValues() throws Exception {
    String er7 =
        fixture("oru-containment.hl7")
            + "OBX|7|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.1.1.2|72|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||W|||20261124101500+0000\r"
            + "OBX|8|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.2.1.2|80|266016^MDC_DIM_MMHG^MDC|||||D|||20261124101500+0000\r";

    List<Outcome> outcomes = PROCESSOR.process(raw(er7));

    assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Accepted)).hasSize(2);
    assertThat(
            outcomes.stream()
                .filter(o -> o instanceof Outcome.Rejected)
                .map(o -> ((Outcome.Rejected) o).rejection().field()))
        .containsExactly("OBX^7^11", "OBX^8^11");
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
