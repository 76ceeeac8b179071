package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.devices.ble.GattTesting.decode;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RejectionReason;

class GattGlucoseTest {
  static IntStream everyFlagCombination() {
    return IntStream.range(0, 32);
  }

  /**
   * Sequence 7, base 2026-11-24 06:50:00, offset +15 min, 95 × 10⁻⁵ kg/L (95 mg/dL) or 53 × 10⁻⁴
   * mol/L (5.3 mmol/L), capillary whole blood from a finger.
   */
  static GattBytes payload(int flags, int typeAndLocation, int status) {
    GattBytes b = GattBytes.flags(flags).u16(7).dateTime(2026, 11, 24, 6, 50, 0);
    if ((flags & 0x01) != 0) {
      b.u16(15);
    }
    if ((flags & 0x02) != 0) {
      if ((flags & 0x04) != 0) {
        b.sfloat(53, -4);
      } else {
        b.sfloat(95, -5);
      }
      b.u8(typeAndLocation);
    }
    if ((flags & 0x08) != 0) {
      b.u16(status);
    }
    return b;
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void decodesEveryFlagCombination(int flags) {
    MappingResult.Mapped m = decode("2A18", payload(flags, 0x11, 0));
    assertThat(m.rejected()).isEmpty();
    if ((flags & 0x02) == 0) {
      assertThat(m.readings()).as("no concentration, nothing to store").isEmpty();
    } else {
      DeviceReading g = m.readings().get(0);
      assertThat(m.readings()).hasSize(1);
      assertThat(g.label()).isEqualTo("MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD");
      boolean molar = (flags & 0x04) != 0;
      assertThat(new BigDecimal(g.value())).isEqualByComparingTo(molar ? "5.3" : "95");
      assertThat(g.unit()).isEqualTo(molar ? "mmol/L" : "mg/dL");
      assertThat(g.timestamp())
          .as("base time plus time offset")
          .isEqualTo((flags & 0x01) != 0 ? "2026-11-24T07:05:00" : "2026-11-24T06:50:00");
    }
    byte[] full = payload(flags, 0x11, 0).bytes();
    for (int n = 0; n < full.length; n++) {
      MappingResult.Mapped cut =
          BleGattDecoder.decodeCharacteristic("2A18", Arrays.copyOf(full, n), "d", null);
      assertThat(cut.readings()).isEmpty();
      GattTesting.onlyRejection(cut, RejectionReason.MALFORMED_PAYLOAD);
    }
  }

  @Test
  void negativeTimeOffsetAndUnknownBaseTime() {
    GattBytes earlier =
        GattBytes.flags(0x03)
            .u16(1)
            .dateTime(2026, 1, 1, 0, 10, 0)
            .u16(-30)
            .sfloat(100, -5)
            .u8(0x11);
    assertThat(decode("2A18", earlier).readings().get(0).timestamp())
        .isEqualTo("2025-12-31T23:40:00");
    GattBytes unknown =
        GattBytes.flags(0x03).u16(1).dateTime(0, 0, 0, 0, 0, 0).u16(5).sfloat(100, -5).u8(0x11);
    assertThat(decode("2A18", unknown).readings().get(0).timestamp()).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "1, MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD",
    "2, MDC_CONC_GLU_CAPILLARY_PLASMA",
    "3, MDC_CONC_GLU_VENOUS_WHOLEBLOOD",
    "4, MDC_CONC_GLU_VENOUS_PLASMA",
    "5, MDC_CONC_GLU_ARTERIAL_WHOLEBLOOD",
    "6, MDC_CONC_GLU_ARTERIAL_PLASMA",
  })
  void typePicksTheMetric(int type, String label) {
    MappingResult.Mapped m = decode("2A18", payload(0x02, 0x10 | type, 0));
    assertThat(GattTesting.labels(m)).containsExactly(label);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x10, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1F, 0x41})
  void typesWithoutAVerifiedCodeAndControlSolutionAreKeptOut(int typeAndLocation) {
    MappingResult.Mapped m = decode("2A18", payload(0x02, typeAndLocation, 0));
    assertThat(m.readings()).isEmpty();
    GattTesting.onlyRejection(m, RejectionReason.UNSUPPORTED_VALUE);
  }

  @ParameterizedTest
  @CsvSource({
    "0, DEVICE_ALARM",
    "1, QUESTIONABLE DEVICE_ALARM",
    "2, QUESTIONABLE",
    "3, QUESTIONABLE",
    "4, QUESTIONABLE",
    "7, QUESTIONABLE",
    "8, QUESTIONABLE",
    "9, QUESTIONABLE",
    "10, QUESTIONABLE DEVICE_ALARM",
    "11, QUESTIONABLE",
    "12, ''",
  })
  void sensorStatusBecomesFlags(int bit, String names) {
    MappingResult.Mapped m = decode("2A18", payload(0x0A, 0x11, 1 << bit));
    Set<MeasurementFlag> expected =
        names == null || names.isBlank()
            ? Set.of()
            : Arrays.stream(names.split(" "))
                .map(MeasurementFlag::valueOf)
                .collect(java.util.stream.Collectors.toSet());
    assertThat(m.readings().get(0).deviceFlags()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 6})
  void resultOutsideTheDeviceRangeIsNoValue(int bit) {
    MappingResult.Mapped m = decode("2A18", payload(0x0A, 0x11, 1 << bit));
    assertThat(m.readings()).isEmpty();
    assertThat(GattTesting.onlyRejection(m, RejectionReason.NO_VALUE).detail())
        .contains(bit == 5 ? "above" : "below");
  }

  @ParameterizedTest
  @ValueSource(ints = {0x07FF, 0x0800, 0x07FE, 0x0802, 0x0801})
  void specialConcentrationIsNoValue(int raw) {
    GattBytes b = GattBytes.flags(0x02).u16(1).dateTime(2026, 1, 1, 0, 0, 0).u16(raw).u8(0x11);
    MappingResult.Mapped m = decode("2A18", b);
    assertThat(m.readings()).isEmpty();
    assertThat(GattTesting.onlyRejection(m, RejectionReason.NO_VALUE).field())
        .isEqualTo("value[10]:glucose concentration");
  }
}
