package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GattNumberTest {

  @ParameterizedTest
  @CsvSource({
    "0x0072, 114", // exponent 0
    "0xF16E, 36.6", // 366 × 10^-1
    "0xFFFF, -0.1", // mantissa -1, exponent -1
    "0x0FFF, -1", // mantissa -1
    "0x8001, 0.00000001", // exponent -8 (most negative)
    "0x7001, 10000000", // exponent +7 (largest)
  })
  void decodesSfloatExactly(String raw, String expected) {
    GattNumber n = GattNumber.sfloat(Integer.decode(raw.strip()));
    assertThat(n.isSpecial()).isFalse();
    assertThat(n.value().toPlainString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "0x07FF, SFLOAT NaN (0x07FF)",
    "0x0800, SFLOAT NRes (0x0800)",
    "0x07FE, SFLOAT +INF (0x07FE)",
    "0x0802, SFLOAT -INF (0x0802)",
    "0x0801, SFLOAT reserved value (0x0801)",
    // A special mantissa is never a number, whatever the exponent.
    "0xF7FF, SFLOAT NaN (0xF7FF)",
    "0x2800, SFLOAT NRes (0x2800)",
  })
  void sfloatSpecialsAreNoValue(String raw, String detail) {
    GattNumber n = GattNumber.sfloat(Integer.decode(raw));
    assertThat(n.value()).isNull();
    assertThat(n.special()).isEqualTo(detail);
  }

  @ParameterizedTest
  @CsvSource({
    "0xFF00016E, 36.6",
    "0xFE000F4B, 39.15",
    "0x00FFFFFF, -1",
    "0x02000001, 100",
    "0x80000001, 1E-128",
  })
  void decodesFloatExactly(String raw, String expected) {
    GattNumber n = GattNumber.float32(Long.decode(raw));
    assertThat(n.isSpecial()).isFalse();
    assertThat(n.value()).isEqualByComparingTo(new java.math.BigDecimal(expected));
  }

  @ParameterizedTest
  @CsvSource({
    "0x007FFFFF, FLOAT NaN (0x007FFFFF)",
    "0x00800000, FLOAT NRes (0x00800000)",
    "0x007FFFFE, FLOAT +INF (0x007FFFFE)",
    "0x00800002, FLOAT -INF (0x00800002)",
    "0x00800001, FLOAT reserved value (0x00800001)",
    "0xFF7FFFFF, FLOAT NaN (0xFF7FFFFF)",
  })
  void floatSpecialsAreNoValue(String raw, String detail) {
    GattNumber n = GattNumber.float32(Long.decode(raw));
    assertThat(n.value()).isNull();
    assertThat(n.special()).isEqualTo(detail);
  }

  @org.junit.jupiter.api.Test
  void valueIsWrittenWithoutExponent() {
    assertThat(GattNumber.sfloat(0x3001).value().toPlainString()).isEqualTo("1000");
    assertThat(GattNumber.float32(0x0A000001L).value().toPlainString()).isEqualTo("10000000000");
  }
}
