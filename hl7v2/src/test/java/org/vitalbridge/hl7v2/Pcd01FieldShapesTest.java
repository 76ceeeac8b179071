package org.vitalbridge.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/**
 * Field shapes that PCD-01 senders write differently while staying within HL7 v2.6 and IHE PCD
 * TF-2: the EUI-64 in another OBX-18 component or repetition, MDC as the alternate OBX-3 coding,
 * PV1-3 with empty components or escapes, repeated OBX-5 values. Messages written for these tests
 * after the documented layouts.
 */
class Pcd01FieldShapesTest {
  private static final Pcd01Decoder DECODER = new Pcd01Decoder();

  private static final String HEAD =
      "MSH|^~\\&|GW^0012C1FFFE000001^EUI-64||||20261202120000+0000||ORU^R01^ORU_R01|M1|P|2.6"
          + "|||NE|AL\r"
          + "PID|||P1^^^H^MR\r";
  private static final String OBR =
      "OBR|1|A|B|182777000^monitoring of patient^SNOMED-CT|||20261202120000+0000\r";

  private static String message(String pv13, String... obx) {
    return HEAD + "PV1||I|" + pv13 + "\r" + OBR + String.join("\r", obx) + "\r";
  }

  private static String spo2(String obx18) {
    return "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|97|262688^MDC_DIM_PERCENT^MDC|||||F|||"
        + "20261202120000+0000||||"
        + obx18;
  }

  /** One SpO2 row of value type {@code obx2} with {@code obx5} as its value. */
  private static String spo2Valued(String obx2, String obx5) {
    return "OBX|1|"
        + obx2
        + "|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|"
        + obx5
        + "|262688^MDC_DIM_PERCENT^MDC|||||F|||20261202120000+0000";
  }

  /** Nothing read, and the one row refused for {@code reason} at its value. */
  private static void assertRejectedAtObx5(MappingResult.Mapped r, RejectionReason reason) {
    assertThat(r.readings()).isEmpty();
    assertThat(r.rejected())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo(reason);
              assertThat(x.field()).isEqualTo("OBX^1^5");
            });
  }

  private static MappingResult.Mapped decode(String er7) {
    RawMessage raw =
        new RawMessage(
            "raw-1",
            er7.getBytes(StandardCharsets.UTF_8),
            Hl7Messages.CONTENT_TYPE,
            "mllp",
            "test",
            null,
            Instant.parse("2026-12-02T12:00:00Z"));
    return (MappingResult.Mapped) DECODER.decode(raw);
  }

  private static DeviceReading only(String er7) {
    MappingResult.Mapped r = decode(er7);
    assertThat(r.rejected()).isEmpty();
    assertThat(r.readings()).hasSize(1);
    return r.readings().get(0);
  }

  @ParameterizedTest(name = "OBX-18 {0}")
  @CsvSource(
      delimiter = ';',
      value = {
        // IHE PCD TF-2: EI-1 and EI-3 both carry the EUI-64, EI-4 names it.
        "0012C1FFFE0000AA^^0012C1FFFE0000AA^EUI-64; 0012C1FFFE0000AA",
        // Only the universal id filled in.
        "^^0012C1FFFE0000AA^EUI-64; 0012C1FFFE0000AA",
        // A serial number first, the EUI-64 in a later repetition.
        "SERIAL123^ACME~0012C1FFFE0000AA^^0012C1FFFE0000AA^EUI-64; 0012C1FFFE0000AA",
        // No EUI-64 at all: the first identifier as written.
        "SERIAL123^ACME; SERIAL123",
      })
  void theEquipmentIdIsTheEui64WhereverObx18CarriesIt(String obx18, String device) {
    assertThat(only(message("ICU^1^1", spo2(obx18))).device()).isEqualTo(device);
  }

  @Test
  void anEui64OnTheMdsRowInTheUniversalIdNamesItsMetrics() {
    DeviceReading r =
        only(
            message(
                "ICU^1^1",
                "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||"
                    + "^^0012C1FFFE0000BB^EUI-64",
                spo2("").replace("OBX|1|", "OBX|2|")));
    assertThat(r.device()).isEqualTo("0012C1FFFE0000BB");
  }

  @ParameterizedTest(name = "OBX-3 {0}")
  @CsvSource(
      delimiter = ';',
      value = {
        // LOINC first, MDC as the alternate coding: the MDC code names the metric (LOINC 8867-4
        // is shared by ECG heart rate and oximeter pulse rate).
        "8867-4^Pulse^LN^149530^MDC_PULS_OXIM_PULS_RATE^MDC; 149530",
        "8867-4^Heart rate^LN^147842^MDC_ECG_HEART_RATE^MDC; 147842",
        // MDC first, LOINC alternate.
        "149530^MDC_PULS_OXIM_PULS_RATE^MDC^8867-4^Heart rate^LN; 149530",
        // Only the MDC reference id in the alternate.
        "8867-4^Pulse^LN^^MDC_PULS_OXIM_PULS_RATE^MDC; MDC_PULS_OXIM_PULS_RATE",
      })
  void theMdcCodingOfObx3NamesTheMetricWhetherPrimaryOrAlternate(String obx3, String label) {
    String row =
        "OBX|1|NM|"
            + obx3
            + "|1.1.1.1|72|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||F|||20261202120000+0000";
    assertThat(only(message("ICU^1^1", row)).label()).isEqualTo(label);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = ';',
      value = {"NM; 97~98", "CWE; 196652^MDC_EVT_LO^MDC~196648^MDC_EVT_HI^MDC"})
  void repeatedValuesAreRejectedNotCutToTheFirst(String valueType, String obx5) {
    MappingResult.Mapped r =
        decode(
            message(
                "ICU^1^1",
                "OBX|1|"
                    + valueType
                    + "|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|"
                    + obx5
                    + "|262688^MDC_DIM_PERCENT^MDC|||||F|||20261202120000+0000"));

    assertThat(r.readings()).isEmpty();
    List<Rejection> rejected = r.rejected();
    assertThat(rejected)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo(RejectionReason.UNSUPPORTED_VALUE);
              assertThat(x.field()).isEqualTo("OBX^1^5");
              assertThat(x.detail()).contains("2 values");
            });
  }

  @ParameterizedTest(name = "PV1-3 {0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "ICU^301^1; ICU/301/1",
        "ICU^301^1^GENHOSP&1.2.3&ISO; ICU/301/1",
        // Empty components keep their place: bed 7 is not point of care 7.
        "^^Bed7; //Bed7",
        "^^Bed7^WARD-A; //Bed7",
        "ICU^^1; ICU//1",
        "ICU; ICU",
        // Escapes are read, not kept as text.
        "ICU\\T\\CCU^3\\S\\A^1; ICU&CCU/3^A/1",
      })
  void thePv13BedKeepsEachComponentInItsPlace(String pv13, String bed) {
    assertThat(only(message(pv13, spo2(""))).location()).isEqualTo(bed);
  }

  @Test
  void rowsAreNamedByTheirOccurrenceInTheMessageNotByObx1WhichRestartsPerObr() {
    // HL7 v2.6 ERR-2 (ERL-2): the segment sequence counts occurrences in the message. OBX-1 set
    // ids restart in each OBR group, so they cannot tell the second group's first row apart.
    MappingResult.Mapped r =
        decode(
            message(
                "ICU^1^1",
                spo2(""),
                "OBR|2|C|D|182777000^monitoring of patient^SNOMED-CT|||20261202120100+0000",
                "OBX|1|DTM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.2.1.1|20261202|266016^MDC_DIM_MMHG^MDC"
                    + "|||||F",
                "OBX|2|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.2.1.2|80|266016^MDC_DIM_MMHG^MDC"
                    + "|||||F"));

    assertThat(r.rejected()).extracting(Rejection::field).containsExactly("OBX^2^2");
    assertThat(r.readings())
        .extracting(d -> d.fields().value())
        .containsExactly("OBX^1^5", "OBX^3^5");
  }

  @Test
  void anObxBeforeAnyObrIsQuarantinedAndAcknowledgedAsASegmentSequenceError() {
    String er7 =
        HEAD
            + "PV1||I|ICU^1^1\r"
            + spo2("")
            + "\r"
            + OBR
            + spo2("").replace("OBX|1|", "OBX|2|")
            + "\r";
    RawMessage raw =
        new RawMessage(
            "raw-1",
            er7.getBytes(StandardCharsets.UTF_8),
            Hl7Messages.CONTENT_TYPE,
            "mllp",
            "test",
            null,
            Instant.parse("2026-12-02T12:00:00Z"));

    Rejection why = ((MappingResult.Failed) DECODER.decode(raw)).rejection();
    assertThat(why.reason()).isEqualTo(RejectionReason.MALFORMED_PAYLOAD);
    // HL7 table 0357: 100 segment sequence error, not 207 application internal error.
    assertThat(Pcd01Acknowledger.error(why).code()).isEqualTo("100");
  }

  @ParameterizedTest(name = "OBX-2 ''{0}''")
  @CsvSource({"'', MISSING_FIELD", "XYZ, UNSUPPORTED_VALUE"})
  void aRowWithoutAReadableValueTypeIsRejectedAloneNotTheWholeMessage(
      String obx2, RejectionReason reason) {
    MappingResult.Mapped r =
        decode(
            message(
                "ICU^1^1",
                "OBX|1|"
                    + obx2
                    + "|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.1.1.2|72|264864^MDC_DIM_BEAT_PER_MIN^MDC"
                    + "|||||F|||20261202120000+0000",
                spo2("").replace("OBX|1|", "OBX|2|")));

    assertThat(r.readings()).extracting(DeviceReading::label).containsExactly("150456");
    assertThat(r.rejected())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo(reason);
              assertThat(x.field()).isEqualTo("OBX^1^2");
            });
  }

  @ParameterizedTest(name = "SN {0}")
  @CsvSource({"^97, 97", "=^97, 97", "^+97.5, +97.5"})
  void aStructuredNumericThatIsAnExactNumberIsReadAsOne(String obx5, String value) {
    assertThat(only(message("ICU^1^1", spo2Valued("SN", obx5))).value()).isEqualTo(value);
  }

  @ParameterizedTest(name = "SN {0}")
  @CsvSource({"<^90", ">=^100", "^90^-^100", "^1^:^2", "^abc"})
  void aStructuredNumericThatIsNoExactNumberIsRejectedNeverStoredAsOne(String obx5) {
    MappingResult.Mapped r = decode(message("ICU^1^1", spo2Valued("SN", obx5)));

    assertRejectedAtObx5(r, RejectionReason.UNSUPPORTED_VALUE);
  }

  @ParameterizedTest(name = "NM {0}")
  @CsvSource({"1E2", "9.7e1", "-1e-3"})
  void anExponentIsNoHl7NumberAndIsRejectedNotReadAsOne(String obx5) {
    // HL7 v2.6 NM: optional sign, digits, optional decimal point. 1E2 is a data type error, not
    // 100.
    MappingResult.Mapped r = decode(message("ICU^1^1", spo2Valued("NM", obx5)));

    assertRejectedAtObx5(r, RejectionReason.NOT_NUMERIC);
  }
}
