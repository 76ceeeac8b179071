package org.vitalbridge.devices.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.ConfigurationException;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;

class SerialDecoderTest {
  static final SerialProtocols PROTOCOLS = SerialProtocols.shipped();
  static final String TAGGED = "oximeter-tagged-ascii";
  static final String MINIMAL = "oximeter-spo2-hr";

  static final String RAD =
      "02/24/18 04:48:53 SN=0000145838 SPO2=097% BPM=080 PI=04.96% SPCO=--.-% SPMET=--.-%"
          + " DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800";

  static MappingResult decode(String protocol, String device, String line) {
    return PROTOCOLS.decode(protocol, device, List.of(line)).get(0).result();
  }

  static MappingResult.Mapped mapped(String protocol, String line) {
    MappingResult r = decode(protocol, "OX-1", line);
    assertThat(r).isInstanceOf(MappingResult.Mapped.class);
    return (MappingResult.Mapped) r;
  }

  @Test
  void taggedLineGivesSpo2PulseRateAndPerfusionIndexWithLocalTime() {
    MappingResult.Mapped m = mapped(TAGGED, RAD);
    assertThat(m.mapping()).isEqualTo("serial:oximeter-tagged-ascii@1");
    assertThat(m.rejected()).isEmpty();
    assertThat(m.readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("MDC_PULS_OXIM_SAT_O2", "097", "%"),
            org.assertj.core.groups.Tuple.tuple("MDC_PULS_OXIM_PULS_RATE", "080", "/min"),
            org.assertj.core.groups.Tuple.tuple("MDC_BLD_PERF_INDEX", "04.96", "%"));
    DeviceReading spo2 = m.readings().get(0);
    assertThat(spo2.device()).isEqualTo("OX-1");
    assertThat(spo2.timestamp()).isEqualTo("02/24/18 04:48:53");
    assertThat(spo2.timeSpec().format()).isEqualTo(TimeFormat.LOCAL);
    assertThat(spo2.timeSpec().zone()).as("the device's configured zone").isNull();
    assertThat(spo2.timeSpec().pattern()).isNotNull();
    // SET mode (0x800) is information only.
    assertThat(spo2.deviceFlags()).isEmpty();
  }

  @Test
  void withoutAConfiguredDeviceTheSerialNumberNamesIt() {
    MappingResult.Mapped m = (MappingResult.Mapped) decode(TAGGED, null, RAD);
    assertThat(m.readings()).allSatisfy(r -> assertThat(r.device()).isEqualTo("0000145838"));
    assertThat(m.readings().get(0).fields().device()).isEqualTo("SN");
  }

  @Test
  void dashFilledFieldsAreNoValueNeverANumber() {
    MappingResult.Mapped m =
        mapped(
            TAGGED,
            "03/19/16 13:37:12 SN=0000093112 SPO2=---% BPM=--- PI=--.--% DESAT=-- # PIDELTA=+--"
                + " ALARM=0000 EXC=000001");
    assertThat(m.readings()).isEmpty();
    assertThat(m.rejected())
        .extracting(Rejection::reason, Rejection::field)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RejectionReason.NO_VALUE, "SPO2"),
            org.assertj.core.groups.Tuple.tuple(RejectionReason.NO_VALUE, "BPM"),
            org.assertj.core.groups.Tuple.tuple(RejectionReason.NO_VALUE, "PI"));
    assertThat(m.rejected().get(0).detail()).contains("---").contains("no value");
  }

  @Test
  void lowSignalIqMarksTheValuesQuestionable() {
    MappingResult.Mapped m = mapped(TAGGED, RAD.replace("EXC=000800", "EXC=000C00"));
    assertThat(m.readings())
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.deviceFlags()).containsExactly(MeasurementFlag.QUESTIONABLE));
  }

  @Test
  void alarmBitsFlagTheValuesTheyConcern() {
    // 0x12: SpO2 below its low limit, alarm active.
    MappingResult.Mapped m = mapped(TAGGED, RAD.replace("ALARM=0000", "ALARM=0012"));
    assertThat(m.readings().get(0).deviceFlags()).containsExactly(MeasurementFlag.DEVICE_ALARM);
    assertThat(m.readings().get(1).deviceFlags()).containsExactly(MeasurementFlag.DEVICE_ALARM);
    // 0x02 alone concerns SpO2 only.
    m = mapped(TAGGED, RAD.replace("ALARM=0000", "ALARM=0002"));
    assertThat(m.readings().get(0).deviceFlags()).containsExactly(MeasurementFlag.DEVICE_ALARM);
    assertThat(m.readings().get(1).deviceFlags()).isEmpty();
  }

  @Test
  void sensorOffMakesZerosNoValueNotNumbers() {
    // The device writes 000 while the sensor is off the patient (EXC 0x020).
    MappingResult.Mapped m =
        mapped(TAGGED, RAD.replace("SPO2=097%", "SPO2=000%").replace("EXC=000800", "EXC=000820"));
    assertThat(m.readings()).isEmpty();
    assertThat(m.rejected())
        .allSatisfy(r -> assertThat(r.reason()).isEqualTo(RejectionReason.NO_VALUE));
    assertThat(m.rejected().get(0).detail()).contains("sensor off patient").contains("0x20");
  }

  @Test
  void unreadableStatusWordQuarantinesTheLine() {
    MappingResult r = decode(TAGGED, "OX-1", RAD.replace("EXC=000800", "EXC=00G800"));
    assertThat(r).isInstanceOf(MappingResult.Failed.class);
    Rejection why = ((MappingResult.Failed) r).rejection();
    assertThat(why.reason()).isEqualTo(RejectionReason.MALFORMED_PAYLOAD);
    assertThat(why.field()).isEqualTo("EXC");
  }

  @Test
  void twoLinesRunTogetherAreQuarantinedWhole() {
    MappingResult r = decode(TAGGED, "OX-1", RAD + " " + RAD);
    assertThat(r).isInstanceOf(MappingResult.Failed.class);
    assertThat(((MappingResult.Failed) r).rejection().detail()).contains("appears twice");
  }

  @Test
  void aLineWithoutTimeIsRejectedWhole() {
    MappingResult r = decode(TAGGED, "OX-1", RAD.substring(RAD.indexOf("SN=")));
    assertThat(r).isInstanceOf(MappingResult.Failed.class);
    assertThat(((MappingResult.Failed) r).rejection().reason())
        .isEqualTo(RejectionReason.MISSING_FIELD);
  }

  @Test
  void missingRequiredFieldIsRejectedOptionalOneIsNot() {
    MappingResult.Mapped m =
        mapped(TAGGED, "02/24/18 04:48:53 SN=0000145838 SPO2=097% ALARM=0000 EXC=000800");
    assertThat(m.readings()).hasSize(1);
    assertThat(m.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectionReason.MISSING_FIELD);
              assertThat(r.field()).isEqualTo("BPM");
            });
  }

  @Test
  void minimalFormatZeroAndSpacePadded() {
    assertThat(mapped(MINIMAL, "SPO2=097 HR=068").readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("MDC_PULS_OXIM_SAT_O2", "097", "%"),
            org.assertj.core.groups.Tuple.tuple("MDC_PULS_OXIM_PULS_RATE", "068", "/min"));
    MappingResult.Mapped spaced = mapped(MINIMAL, "SPO2= 97 HR= 68");
    assertThat(spaced.rejected()).isEmpty();
    assertThat(spaced.readings()).extracting(DeviceReading::value).containsExactly("97", "68");
    // Without a time in the line the harmonizer uses the receive time.
    assertThat(spaced.readings().get(0).timestamp()).isNull();
  }

  @Test
  void minimalFormatDashesEventMarkerAndFastMode() {
    MappingResult.Mapped none = mapped(MINIMAL, "SPO2=--- HR=---");
    assertThat(none.readings()).isEmpty();
    assertThat(none.rejected())
        .extracting(Rejection::reason)
        .containsOnly(RejectionReason.NO_VALUE)
        .hasSize(2);
    assertThat(mapped(MINIMAL, "SPO2=097 HR=068*").readings())
        .extracting(DeviceReading::value)
        .containsExactly("097", "068");
    // The marker is carried on every value of the marked line, and only there.
    assertThat(mapped(MINIMAL, "SPO2=097 HR=068*").readings())
        .allSatisfy(r -> assertThat(r.deviceFlags()).containsExactly(MeasurementFlag.EVENT_MARKER));
    assertThat(mapped(MINIMAL, "SPO2=097* HR=068").readings())
        .allSatisfy(r -> assertThat(r.deviceFlags()).containsExactly(MeasurementFlag.EVENT_MARKER));
    assertThat(mapped(MINIMAL, "SPO2=097 HR=068").readings())
        .allSatisfy(r -> assertThat(r.deviceFlags()).isEmpty());
    assertThat(mapped(MINIMAL, "SPO2=097 HR=068 F").readings()).hasSize(2);
  }

  @Test
  void wrongWidthOrNonNumericValuesAreRejectedPerField() {
    MappingResult.Mapped m = mapped(MINIMAL, "SPO2=0978 HR=6x8");
    assertThat(m.readings()).isEmpty();
    assertThat(m.rejected())
        .extracting(Rejection::reason)
        .containsExactly(RejectionReason.MALFORMED_PAYLOAD, RejectionReason.NOT_NUMERIC);
  }

  @Test
  void garbageIsAFailedLineNamingTheProtocol() {
    MappingResult r = decode(MINIMAL, "OX-1", "\u00ff\u0013xq!!");
    assertThat(r).isInstanceOf(MappingResult.Failed.class);
    assertThat(((MappingResult.Failed) r).rejection().detail())
        .contains("not a oximeter-spo2-hr line");
  }

  @Test
  void oneShotDecodingSkipsBlankLinesAndNumbersTheRest() {
    List<SerialProtocols.DecodedLine> out =
        PROTOCOLS.decode(MINIMAL, null, List.of("SPO2=097 HR=068", "", "junk"));
    assertThat(out).extracting(SerialProtocols.DecodedLine::number).containsExactly(1, 3);
    assertThat(out.get(1).result()).isInstanceOf(MappingResult.Failed.class);
  }

  @Test
  void unknownProtocolIsAConfigurationError() {
    assertThatThrownBy(() -> PROTOCOLS.decode("nope", null, List.of("x")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining(TAGGED);
  }

  @Test
  void shippedProtocolsAndContentType() {
    assertThat(PROTOCOLS.names()).isEqualTo(Set.of(MINIMAL, TAGGED));
    String ct = SerialProtocols.contentType(MINIMAL, "OX \"7\"");
    assertThat(ct)
        .isEqualTo(
            "text/vnd.vitalbridge.serial; protocol=\"oximeter-spo2-hr\"; device=\"OX \\\"7\\\"\"");
    assertThat(PROTOCOLS.decoder().accepts(ct)).isTrue();
    assertThat(PROTOCOLS.decoder().accepts("application/json")).isFalse();
  }
}
