package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;
import org.vitalbridge.core.model.DeviceReading;

/**
 * Byte-exact exchanges written out by hand from the 20601 APDU layouts (a 10404 pulse oximeter,
 * standard configuration 0x0190), independent of the test agent's encoder.
 */
class PhdWireExamplesTest {
  private static final String AARQ =
      "E2 00 00 32 80 00 00 00 00 01 00 2A 50 79 00 26 80 00 00 00 A0 00 80 00 00 00 00 00 00 00"
          + " 00 80 00 00 00 08 11 22 33 44 55 66 77 88 01 90 00 01 01 00 00 00 00 00";
  private static final String REPORT =
      "E7 00 00 36 00 34 12 36 01 01 00 2E 00 00 00 00 00 00 0D 1D 00 24 F0 00 00 00 00 02 00 1C"
          + " 00 01 00 0A 00 61 20 07 12 06 12 10 00 00 00 0A 00 0A 00 48 20 07 12 06 12 10 00 00";
  private static final String RLRQ = "E4 00 00 02 00 00";

  @Test
  void aPulseOximeterSessionByteForByte() {
    PhdDecodeSession session = PhdDecodeSession.open(null);
    PhdDecodeSession.Step step =
        session.feedStream(PhdDecodeSession.parseHex(AARQ + " " + REPORT + " " + RLRQ));
    assertThat(step.rejections()).isEmpty();
    assertThat(step.readings())
        .extracting(
            DeviceReading::device,
            DeviceReading::label,
            DeviceReading::value,
            DeviceReading::unit,
            DeviceReading::timestamp)
        .containsExactly(
            tuple("11-22-33-44-55-66-77-88", "150456", "97", "%", "2007-12-06T12:10"),
            tuple("11-22-33-44-55-66-77-88", "149530", "72", "/min", "2007-12-06T12:10"));
    assertThat(step.repliesHex())
        .containsExactly(
            "E3 00 00 2C 00 00 50 79 00 26 80 00 00 00 80 00 80 00 00 00 00 00 00 00 80 00 00 00"
                + " 00 08 56 42 52 49 44 47 45 30 00 00 00 00 00 00 00 00 00 00",
            "E7 00 00 12 00 10 12 36 02 01 00 0A 00 00 00 00 00 00 0D 1D 00 00",
            "E5 00 00 02 00 00");
  }

  @Test
  void theAgentsAarqReadsAsItsFields() {
    Apdu apdu = ApduCodec.decode(PhdDecodeSession.parseHex(AARQ));
    assertThat(apdu)
        .isEqualTo(
            new Apdu.Aarq(
                0x80000000L,
                true,
                0x80000000L,
                0xA000,
                0x80000000L,
                0x00800000L,
                "1122334455667788",
                0x0190));
  }

  @Test
  void bytesHaveValueEquality() {
    assertThat(new Apdu.Bytes(new byte[] {1, 2})).isEqualTo(new Apdu.Bytes(new byte[] {1, 2}));
    assertThat(new Apdu.Bytes(new byte[] {1, 2}).hashCode())
        .isEqualTo(new Apdu.Bytes(new byte[] {1, 2}).hashCode());
    assertThat(new Apdu.Bytes(new byte[] {1, 2})).isNotEqualTo(new Apdu.Bytes(new byte[] {1, 3}));
  }
}
