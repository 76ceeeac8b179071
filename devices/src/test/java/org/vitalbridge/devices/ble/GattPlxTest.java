package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.devices.ble.GattTesting.decode;
import static org.vitalbridge.devices.ble.GattTesting.reading;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RejectionReason;

/** PLX Spot-Check (0x2A5E) and PLX Continuous (0x2A5F) Measurements. */
class GattPlxTest {
  static IntStream everyFlagCombination() {
    return IntStream.range(0, 32);
  }

  static GattBytes spotCheck(int flags, int measurementStatus, int deviceStatus) {
    GattBytes b = GattBytes.flags(flags).sfloat(97, 0).sfloat(64, 0);
    if ((flags & 0x01) != 0) {
      b.dateTime(2026, 11, 24, 5, 15, 0);
    }
    if ((flags & 0x02) != 0) {
      b.u16(measurementStatus);
    }
    if ((flags & 0x04) != 0) {
      b.u24(deviceStatus);
    }
    if ((flags & 0x08) != 0) {
      b.sfloat(25, -1);
    }
    return b;
  }

  static GattBytes continuous(int flags, int measurementStatus, int deviceStatus) {
    GattBytes b = GattBytes.flags(flags).sfloat(98, 0).sfloat(61, 0);
    if ((flags & 0x01) != 0) {
      b.sfloat(96, 0).sfloat(66, 0);
    }
    if ((flags & 0x02) != 0) {
      b.sfloat(99, 0).sfloat(60, 0);
    }
    if ((flags & 0x04) != 0) {
      b.u16(measurementStatus);
    }
    if ((flags & 0x08) != 0) {
      b.u24(deviceStatus);
    }
    if ((flags & 0x10) != 0) {
      b.sfloat(25, -1);
    }
    return b;
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void spotCheckEveryFlagCombination(int flags) {
    MappingResult.Mapped m = decode("2A5E", spotCheck(flags, 0, 0));
    assertThat(m.rejected()).isEmpty();
    assertThat(GattTesting.labels(m))
        .containsExactly("MDC_PULS_OXIM_SAT_O2", "MDC_PULS_OXIM_PULS_RATE");
    assertThat(reading(m, "MDC_PULS_OXIM_SAT_O2").value()).isEqualTo("97");
    assertThat(reading(m, "MDC_PULS_OXIM_SAT_O2").unit()).isEqualTo("%");
    assertThat(reading(m, "MDC_PULS_OXIM_PULS_RATE").value()).isEqualTo("64");
    boolean deviceTime = (flags & 0x01) != 0 && (flags & 0x10) == 0;
    assertThat(m.readings().get(0).timestamp())
        .as("device clock not set ignores the time stamp")
        .isEqualTo(deviceTime ? "2026-11-24T05:15:00" : null);
    byte[] full = spotCheck(flags, 0, 0).bytes();
    for (int n = 0; n < full.length; n++) {
      MappingResult.Mapped cut =
          BleGattDecoder.decodeCharacteristic("2A5E", Arrays.copyOf(full, n), "d", null);
      assertThat(cut.readings()).isEmpty();
      GattTesting.onlyRejection(cut, RejectionReason.MALFORMED_PAYLOAD);
    }
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void continuousEveryFlagCombination(int flags) {
    MappingResult.Mapped m = decode("2A5F", continuous(flags, 0, 0));
    assertThat(m.rejected()).isEmpty();
    assertThat(GattTesting.labels(m))
        .as("only the Normal averaging")
        .containsExactly("MDC_PULS_OXIM_SAT_O2", "MDC_PULS_OXIM_PULS_RATE");
    assertThat(reading(m, "MDC_PULS_OXIM_SAT_O2").value()).isEqualTo("98");
    assertThat(reading(m, "MDC_PULS_OXIM_PULS_RATE").value()).isEqualTo("61");
    assertThat(m.readings().get(0).timestamp()).isNull();
    byte[] full = continuous(flags, 0, 0).bytes();
    for (int n = 0; n < full.length; n++) {
      MappingResult.Mapped cut =
          BleGattDecoder.decodeCharacteristic("2A5F", Arrays.copyOf(full, n), "d", null);
      assertThat(cut.readings()).isEmpty();
      GattTesting.onlyRejection(cut, RejectionReason.MALFORMED_PAYLOAD);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "5, ''",
    "6, QUESTIONABLE",
    "7, ''",
    "8, ''",
    "9, ''",
    "12, QUESTIONABLE",
    "14, QUESTIONABLE",
  })
  void measurementStatusBitsBecomeFlags(int bit, String flag) {
    for (String uuid : new String[] {"2A5E", "2A5F"}) {
      GattBytes b =
          uuid.equals("2A5E") ? spotCheck(0x02, 1 << bit, 0) : continuous(0x04, 1 << bit, 0);
      MappingResult.Mapped m = decode(uuid, b);
      assertThat(m.rejected()).isEmpty();
      assertThat(m.readings()).allSatisfy(r -> assertThat(r.deviceFlags()).isEqualTo(flags(flag)));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "13, NO_VALUE",
    "15, NO_VALUE",
    "10, UNSUPPORTED_VALUE",
    "11, UNSUPPORTED_VALUE",
  })
  void measurementStatusCanKeepTheValuesOut(int bit, RejectionReason reason) {
    MappingResult.Mapped m = decode("2A5E", spotCheck(0x02, 1 << bit, 0));
    assertThat(m.readings()).isEmpty();
    assertThat(m.rejected()).hasSize(2).allSatisfy(r -> assertThat(r.reason()).isEqualTo(reason));
    assertThat(m.rejected().get(0).field()).isEqualTo("value[1]:SpO2");
  }

  @ParameterizedTest
  @CsvSource({
    "0, ''",
    "1, QUESTIONABLE DEVICE_ALARM",
    "2, QUESTIONABLE",
    "3, QUESTIONABLE",
    "4, QUESTIONABLE",
    "5, QUESTIONABLE",
    "6, QUESTIONABLE",
    "7, QUESTIONABLE",
    "8, QUESTIONABLE",
    "9, ''",
    "10, QUESTIONABLE",
    "11, QUESTIONABLE DEVICE_ALARM",
    "12, QUESTIONABLE",
    "13, QUESTIONABLE",
    "14, QUESTIONABLE DEVICE_ALARM",
    "15, QUESTIONABLE DEVICE_ALARM",
    "16, ''",
    "23, ''",
  })
  void deviceAndSensorStatusBitsBecomeFlags(int bit, String flagNames) {
    for (String uuid : new String[] {"2A5E", "2A5F"}) {
      GattBytes b =
          uuid.equals("2A5E") ? spotCheck(0x04, 0, 1 << bit) : continuous(0x08, 0, 1 << bit);
      MappingResult.Mapped m = decode(uuid, b);
      assertThat(m.readings())
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.deviceFlags()).isEqualTo(flags(flagNames)));
    }
  }

  @Test
  void specialSpo2IsNoValueWhilePulseIsKept() {
    MappingResult.Mapped m = decode("2A5F", GattBytes.flags(0).u16(0x07FF).sfloat(61, 0));
    assertThat(GattTesting.labels(m)).containsExactly("MDC_PULS_OXIM_PULS_RATE");
    assertThat(GattTesting.onlyRejection(m, RejectionReason.NO_VALUE).detail())
        .isEqualTo("MDC_PULS_OXIM_SAT_O2: SFLOAT NaN (0x07FF)");
  }

  private static Set<MeasurementFlag> flags(String names) {
    if (names == null || names.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(names.split(" "))
        .map(MeasurementFlag::valueOf)
        .collect(java.util.stream.Collectors.toSet());
  }
}
