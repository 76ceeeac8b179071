package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.vitalbridge.devices.phd.AgentApdus.SYSTEM_ID;
import static org.vitalbridge.devices.phd.AgentApdus.bcd;
import static org.vitalbridge.devices.phd.AgentApdus.concat;
import static org.vitalbridge.devices.phd.AgentApdus.sfloat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RawMessage;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

class PhdReportDecoderTest {
  private static final String TIME = "2026112410150000";

  private static MappingResult decode(int config, byte[] payload) {
    String type = new PhdContentType(config, SYSTEM_ID, null).format();
    return new PhdReportDecoder()
        .decode(new RawMessage("r1", payload, type, "phd", null, null, Instant.EPOCH));
  }

  private static MappingResult.Mapped mapped(int config, byte[] payload) {
    MappingResult r = decode(config, payload);
    assertThat(r).isInstanceOf(MappingResult.Mapped.class);
    return (MappingResult.Mapped) r;
  }

  @Test
  void pulseOximeterFixedReport() {
    byte[] report =
        AgentApdus.fixedScan(
            1, true, 1, concat(sfloat(0, 97), bcd(TIME)), 10, concat(sfloat(0, 65), bcd(TIME)));
    MappingResult.Mapped m = mapped(0x0190, report);
    assertThat(m.readings())
        .extracting(
            DeviceReading::device,
            DeviceReading::label,
            DeviceReading::value,
            DeviceReading::unit,
            DeviceReading::timestamp)
        .containsExactly(
            tuple("00-11-22-33-44-55-66-77", "150456", "97", "%", "2026-11-24T10:15"),
            tuple("00-11-22-33-44-55-66-77", "149530", "65", "/min", "2026-11-24T10:15"));
    assertThat(m.readings().get(0).timeSpec())
        .isEqualTo(new TimeSpec(TimeFormat.LOCAL, null, null));
    assertThat(m.rejected()).isEmpty();
  }

  @Test
  void bloodPressureCompoundGivesThreeReadings() {
    byte[] cmpd =
        concat(AgentApdus.u16(3), AgentApdus.u16(6), sfloat(0, 120), sfloat(0, 80), sfloat(0, 93));
    byte[] report =
        AgentApdus.fixedScan(
            1, true, 1, concat(cmpd, bcd(TIME)), 2, concat(sfloat(0, 72), bcd(TIME)));
    assertThat(mapped(0x02BC, report).readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(
            tuple("150021", "120", "mm[Hg]"),
            tuple("150022", "80", "mm[Hg]"),
            tuple("150023", "93", "mm[Hg]"),
            tuple("149546", "72", "/min"));
  }

  @Test
  void thermometerScaleAndGlucoseMeter() {
    assertThat(
            mapped(0x0320, AgentApdus.fixedScan(1, true, 1, concat(sfloat(-1, 367), bcd(TIME))))
                .readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(tuple("150364", "36.7", "Cel"));
    assertThat(
            mapped(
                    0x05DC,
                    AgentApdus.fixedScan(
                        1, true, 1, concat(AgentApdus.float32(-1, 735), bcd(TIME))))
                .readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(tuple("188736", "73.5", "kg"));
    assertThat(
            mapped(0x06A4, AgentApdus.fixedScan(1, true, 1, concat(sfloat(0, 105), bcd(TIME))))
                .readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(tuple("160184", "105", "mg/dL"));
  }

  @Test
  void aReportWithoutTheMappedTimeStampIsReadAsValueOnly() {
    MappingResult.Mapped m = mapped(0x0191, AgentApdus.fixedScan(1, true, 1, sfloat(0, 97)));
    assertThat(m.readings()).singleElement().satisfies(r -> assertThat(r.timestamp()).isNull());
  }

  @Test
  void specialValuesAndUnsetClocks() {
    byte[] report =
        AgentApdus.fixedScan(
            1,
            true,
            1,
            concat(AgentApdus.u16(0x07FF), bcd(TIME)),
            10,
            concat(sfloat(0, 65), bcd("FFFFFFFFFFFFFFFF")));
    MappingResult.Mapped m = mapped(0x0190, report);
    assertThat(m.rejected())
        .extracting(Rejection::reason, Rejection::field)
        .containsExactly(tuple(RejectionReason.NO_VALUE, "handle 1"));
    assertThat(m.rejected().get(0).detail()).contains("NaN");
    assertThat(m.readings())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.value()).isEqualTo("65");
              assertThat(r.timestamp()).isNull();
            });
  }

  @Test
  void variableReportWithMeasurementStatus() {
    byte[] questionable =
        AgentApdus.varScan(
            1,
            1,
            Phd.ATTR_NU_VAL_OBS_BASIC,
            sfloat(0, 95),
            Phd.ATTR_MSMT_STAT,
            AgentApdus.u16(Phd.MS_QUESTIONABLE),
            Phd.ATTR_TIME_STAMP_ABS,
            bcd(TIME));
    assertThat(mapped(0x0190, questionable).readings())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.value()).isEqualTo("95");
              assertThat(r.deviceFlags()).containsExactly(MeasurementFlag.QUESTIONABLE);
            });
    byte[] invalid =
        AgentApdus.varScan(
            1,
            1,
            Phd.ATTR_NU_VAL_OBS_BASIC,
            sfloat(0, 95),
            Phd.ATTR_MSMT_STAT,
            AgentApdus.u16(Phd.MS_INVALID));
    assertThat(mapped(0x0190, invalid).rejected())
        .extracting(Rejection::reason)
        .containsExactly(RejectionReason.NO_VALUE);
    byte[] demo =
        AgentApdus.varScan(
            1,
            1,
            Phd.ATTR_NU_VAL_OBS_BASIC,
            sfloat(0, 95),
            Phd.ATTR_MSMT_STAT,
            AgentApdus.u16(Phd.MS_DEMO_DATA));
    assertThat(mapped(0x0190, demo).rejected())
        .extracting(Rejection::reason)
        .containsExactly(RejectionReason.UNSUPPORTED_VALUE);
  }

  @Test
  void extendedConfigurationTravelsWithTheReport() {
    byte[] config = AgentApdus.configReport(1, AgentApdus.extendedOximeter());
    byte[] report = AgentApdus.fixedScan(2, true, 7, concat(sfloat(0, 96), bcd(TIME)));
    assertThat(mapped(0x4000, concat(config, report)).readings())
        .extracting(DeviceReading::label, DeviceReading::value)
        .containsExactly(tuple("150456", "96"));
    MappingResult alone = decode(0x4000, report);
    assertThat(alone).isInstanceOf(MappingResult.Failed.class);
  }

  @Test
  void badBytesAreRejectedWithTheirOffset() {
    byte[] report = AgentApdus.fixedScan(1, true, 1, concat(sfloat(0, 97), bcd(TIME)));
    byte[] cut = java.util.Arrays.copyOf(report, report.length - 3);
    MappingResult r = decode(0x0190, cut);
    assertThat(r).isInstanceOf(MappingResult.Failed.class);
    assertThat(((MappingResult.Failed) r).rejection().detail()).contains("offset");
    assertThat(mapped(0x0190, AgentApdus.fixedScan(1, true, 99, sfloat(0, 1))).rejected())
        .extracting(Rejection::field)
        .containsExactly("handle 99");
  }

  @Test
  void offlineSessionAnswersAndDecodes() {
    PhdDecodeSession session = PhdDecodeSession.open(null);
    byte[] stream =
        concat(
            AgentApdus.aarq(SYSTEM_ID, 0x4000),
            AgentApdus.configReport(1, AgentApdus.extendedOximeter()),
            AgentApdus.fixedScan(2, true, 7, concat(sfloat(0, 96), bcd(TIME))),
            AgentApdus.rlrq());
    PhdDecodeSession.Step step =
        session.feedStream(PhdDecodeSession.parseHex(PhdDecodeSession.hex(stream)));
    assertThat(step.readings()).extracting(DeviceReading::value).containsExactly("96");
    assertThat(step.repliesHex())
        .hasSize(4)
        .satisfies(r -> assertThat(r.get(0)).startsWith("E3 00 00 2C 00 03"))
        .satisfies(r -> assertThat(r.get(3)).isEqualTo("E5 00 00 02 00 00"));
    assertThat(session.feedStream(new byte[] {1, 2, 3}).rejections()).hasSize(1);
  }

  @Test
  void multiPersonFixedReport() {
    byte[] obs =
        new MderWriter().u16(1).lengthPrefixed(concat(sfloat(-1, 367), bcd(TIME))).toBytes();
    byte[] person = new MderWriter().u16(2).u16(1).lengthPrefixed(obs).toBytes();
    byte[] info = new MderWriter().u16(0xF000).u16(0).u16(1).lengthPrefixed(person).toBytes();
    byte[] report = AgentApdus.eventReport(1, true, Phd.NOTI_SCAN_REPORT_MP_FIXED, info);
    assertThat(mapped(0x0320, report).readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::fields)
        .containsExactly(
            tuple(
                "150364",
                "36.7",
                new DeviceReading.Fields(
                    "system-id",
                    "person 2 handle 1",
                    "person 2 handle 1",
                    "person 2 handle 1",
                    "person 2 handle 1")));
  }

  @Test
  void nuObsValueCarriesItsOwnMetricUnitAndState() {
    byte[] value =
        new MderWriter()
            .u16(Phd.PULS_RATE_NON_INV)
            .u16(0)
            .u16(Phd.DIM_BEAT_PER_MIN)
            .bytes(AgentApdus.float32(0, 71))
            .toBytes();
    byte[] report = AgentApdus.varScan(1, 2, Phd.ATTR_NU_VAL_OBS, value);
    assertThat(mapped(0x02BC, report).readings())
        .extracting(DeviceReading::label, DeviceReading::value, DeviceReading::unit)
        .containsExactly(tuple("149546", "71", "/min"));
    byte[] cmpd =
        concat(
            AgentApdus.u16(3),
            AgentApdus.u16(12),
            AgentApdus.float32(0, 121),
            AgentApdus.float32(0, 79),
            AgentApdus.float32(0, 0x800000));
    assertThat(mapped(0x02BC, AgentApdus.varScan(1, 1, Phd.ATTR_NU_CMPD_VAL_OBS_SIMP, cmpd)))
        .satisfies(
            m -> {
              assertThat(m.readings())
                  .extracting(DeviceReading::value)
                  .containsExactly("121", "79");
              assertThat(m.rejected())
                  .extracting(Rejection::reason, Rejection::field)
                  .containsExactly(tuple(RejectionReason.NO_VALUE, "handle 1[2]"));
            });
  }

  @Test
  void aBadClockRejectsTheObservation() {
    byte[] report =
        AgentApdus.fixedScan(1, true, 1, concat(sfloat(-1, 367), bcd("2026132410150000")));
    assertThat(mapped(0x0320, report).rejected())
        .extracting(Rejection::reason)
        .containsExactly(RejectionReason.BAD_TIMESTAMP);
  }

  @Test
  void decoderAcceptsOnlyItsType() {
    assertThat(new PhdReportDecoder().accepts(new PhdContentType(0x190, SYSTEM_ID, null).format()))
        .isTrue();
    assertThat(new PhdReportDecoder().accepts("application/json")).isFalse();
    assertThat(decode(0x0190, new byte[0])).isInstanceOf(MappingResult.Failed.class);
  }
}
