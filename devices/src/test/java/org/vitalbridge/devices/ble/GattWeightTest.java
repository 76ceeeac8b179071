package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.devices.ble.GattTesting.decode;
import static org.vitalbridge.devices.ble.GattTesting.reading;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.RejectionReason;

class GattWeightTest {
  static IntStream everyFlagCombination() {
    return IntStream.range(0, 16);
  }

  /**
   * 14453 × 0.005 kg = 72.265 kg, or 15931 × 0.01 lb = 159.31 lb; BMI 23.6; 1750 mm / 689 in/10.
   */
  static GattBytes payload(int flags, int weight) {
    boolean imperial = (flags & 0x01) != 0;
    GattBytes b = GattBytes.flags(flags).u16(weight >= 0 ? weight : imperial ? 15931 : 14453);
    if ((flags & 0x02) != 0) {
      b.dateTime(2026, 11, 24, 7, 0, 0);
    }
    if ((flags & 0x04) != 0) {
      b.u8(1);
    }
    if ((flags & 0x08) != 0) {
      b.u16(236).u16(imperial ? 689 : 1750);
    }
    return b;
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void decodesEveryFlagCombination(int flags) {
    MappingResult.Mapped m = decode("2A9D", payload(flags, -1));
    assertThat(m.rejected()).isEmpty();
    boolean imperial = (flags & 0x01) != 0;
    boolean bmi = (flags & 0x08) != 0;
    assertThat(GattTesting.labels(m))
        .containsExactlyElementsOf(
            bmi
                ? java.util.List.of(
                    "MDC_MASS_BODY_ACTUAL", "MDC_RATIO_MASS_BODY_LEN_SQ", "MDC_LEN_BODY_ACTUAL")
                : java.util.List.of("MDC_MASS_BODY_ACTUAL"));
    assertThat(reading(m, "MDC_MASS_BODY_ACTUAL").value())
        .isEqualTo(imperial ? "159.31" : "72.265");
    assertThat(reading(m, "MDC_MASS_BODY_ACTUAL").unit()).isEqualTo(imperial ? "[lb_av]" : "kg");
    assertThat(reading(m, "MDC_MASS_BODY_ACTUAL").timestamp())
        .isEqualTo((flags & 0x02) != 0 ? "2026-11-24T07:00:00" : null);
    if (bmi) {
      assertThat(reading(m, "MDC_RATIO_MASS_BODY_LEN_SQ").value()).isEqualTo("23.6");
      assertThat(reading(m, "MDC_RATIO_MASS_BODY_LEN_SQ").unit()).isEqualTo("kg/m2");
      assertThat(reading(m, "MDC_LEN_BODY_ACTUAL").value()).isEqualTo(imperial ? "68.9" : "1.750");
      assertThat(reading(m, "MDC_LEN_BODY_ACTUAL").unit()).isEqualTo(imperial ? "[in_i]" : "m");
    }
    byte[] full = payload(flags, -1).bytes();
    for (int n = 0; n < full.length; n++) {
      MappingResult.Mapped cut =
          BleGattDecoder.decodeCharacteristic("2A9D", Arrays.copyOf(full, n), "d", null);
      assertThat(cut.readings()).isEmpty();
      GattTesting.onlyRejection(cut, RejectionReason.MALFORMED_PAYLOAD);
    }
  }

  @Test
  void unsuccessfulMeasurementIsNoValueAndTakesTheBmiWithIt() {
    MappingResult.Mapped m = decode("2A9D", payload(0x08, 0xFFFF));
    assertThat(GattTesting.labels(m)).containsExactly("MDC_LEN_BODY_ACTUAL");
    assertThat(m.rejected())
        .extracting(r -> r.reason() + " " + r.field() + " " + r.detail())
        .containsExactly(
            "NO_VALUE value[1]:weight MDC_MASS_BODY_ACTUAL: measurement unsuccessful (0xFFFF)",
            "NO_VALUE value[3]:BMI MDC_RATIO_MASS_BODY_LEN_SQ: weight measurement unsuccessful"
                + " (0xFFFF)");
  }

  @Test
  void largestSiWeightIsExact() {
    MappingResult.Mapped m = decode("2A9D", payload(0, 0xFFFE));
    assertThat(m.readings().get(0).value()).isEqualTo("327.670");
  }
}
