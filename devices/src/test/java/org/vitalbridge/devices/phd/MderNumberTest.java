package org.vitalbridge.devices.phd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MderNumberTest {

  @Test
  void sfloatIsExactDecimal() {
    assertThat(MderNumber.sfloat(0xF3D5).text()).isEqualTo("98.1"); // -1, 981
    assertThat(MderNumber.sfloat(0x0048).text()).isEqualTo("72");
    assertThat(MderNumber.sfloat(0xFFFF).text()).isEqualTo("-0.1"); // -1, -1
    assertThat(MderNumber.sfloat(0x2001).text()).isEqualTo("100");
  }

  @Test
  void sfloatSpecialsAreNeverNumbers() {
    assertThat(MderNumber.sfloat(0x07FF).special()).isEqualTo("NaN");
    assertThat(MderNumber.sfloat(0x0800).special()).isEqualTo("NRes");
    assertThat(MderNumber.sfloat(0x07FE).special()).isEqualTo("+INF");
    assertThat(MderNumber.sfloat(0x0802).special()).isEqualTo("-INF");
    assertThat(MderNumber.sfloat(0x0801).special()).isEqualTo("reserved");
    assertThat(MderNumber.sfloat(0x0801).value()).isNull();
  }

  @Test
  void floatIsExactDecimal() {
    assertThat(MderNumber.float32(0xFE001C9DL).text()).isEqualTo("73.25"); // -2, 7325
    assertThat(MderNumber.float32(0x00000046L).text()).isEqualTo("70");
    assertThat(MderNumber.float32(0xFFFFFFFFL).text()).isEqualTo("-0.1");
  }

  @Test
  void floatSpecials() {
    assertThat(MderNumber.float32(0x007FFFFFL).special()).isEqualTo("NaN");
    assertThat(MderNumber.float32(0x00800000L).special()).isEqualTo("NRes");
    assertThat(MderNumber.float32(0x007FFFFEL).special()).isEqualTo("+INF");
    assertThat(MderNumber.float32(0x00800002L).special()).isEqualTo("-INF");
    assertThat(MderNumber.float32(0x00800001L).special()).isEqualTo("reserved");
  }

  @Test
  void bcdTimeStamps() {
    assertThat(AbsoluteTimeStamp.decode(AgentApdus.bcd("2026112410150050")))
        .isEqualTo(new AbsoluteTimeStamp.Local("2026-11-24T10:15:00.500"));
    assertThat(AbsoluteTimeStamp.decode(AgentApdus.bcd("FFFFFFFFFFFFFFFF")))
        .isInstanceOf(AbsoluteTimeStamp.NotSet.class);
    assertThat(AbsoluteTimeStamp.decode(AgentApdus.bcd("20261324101500AA")))
        .isInstanceOf(AbsoluteTimeStamp.Invalid.class);
    assertThat(AbsoluteTimeStamp.decode(AgentApdus.bcd("2026133410150000")))
        .isInstanceOf(AbsoluteTimeStamp.Invalid.class);
  }
}
