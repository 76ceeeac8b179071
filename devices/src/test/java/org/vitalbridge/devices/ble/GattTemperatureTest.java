package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.devices.ble.GattTesting.decode;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.RejectionReason;

class GattTemperatureTest {
  static IntStream everyFlagCombination() {
    return IntStream.range(0, 8);
  }

  static GattBytes payload(int flags, int type) {
    GattBytes b = GattBytes.flags(flags);
    if ((flags & 0x01) != 0) {
      b.float32(986, -1);
    } else {
      b.float32(3700, -2);
    }
    if ((flags & 0x02) != 0) {
      b.dateTime(2026, 11, 24, 5, 15, 9);
    }
    if ((flags & 0x04) != 0) {
      b.u8(type);
    }
    return b;
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void decodesEveryFlagCombination(int flags) {
    MappingResult.Mapped m = decode("2A1C", payload(flags, 6));
    assertThat(m.rejected()).isEmpty();
    DeviceReading t = m.readings().get(0);
    assertThat(m.readings()).hasSize(1);
    assertThat(t.label()).isEqualTo("MDC_TEMP_BODY");
    boolean f = (flags & 0x01) != 0;
    assertThat(t.value()).isEqualTo(f ? "98.6" : "37.00");
    assertThat(t.unit()).isEqualTo(f ? "[degF]" : "Cel");
    assertThat(t.timestamp()).isEqualTo((flags & 0x02) != 0 ? "2026-11-24T05:15:09" : null);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255})
  void everyTemperatureTypeIsBodyTemperature(int type) {
    MappingResult.Mapped m = decode("2A1C", payload(0x04, type));
    assertThat(GattTesting.labels(m)).containsExactly("MDC_TEMP_BODY");
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void everyTruncationIsMalformed(int flags) {
    byte[] full = payload(flags, 1).bytes();
    for (int n = 0; n < full.length; n++) {
      MappingResult.Mapped m =
          BleGattDecoder.decodeCharacteristic("2A1C", Arrays.copyOf(full, n), "d", null);
      assertThat(m.readings()).isEmpty();
      GattTesting.onlyRejection(m, RejectionReason.MALFORMED_PAYLOAD);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "0x007FFFFF, FLOAT NaN (0x007FFFFF)",
    "0x00800000, FLOAT NRes (0x00800000)",
    "0x007FFFFE, FLOAT +INF (0x007FFFFE)",
    "0x00800002, FLOAT -INF (0x00800002)",
    "0x00800001, FLOAT reserved value (0x00800001)",
  })
  void specialValuesAreNoValue(String raw, String detail) {
    MappingResult.Mapped m = decode("2A1C", GattBytes.flags(0).u32(Long.decode(raw)));
    assertThat(m.readings()).isEmpty();
    assertThat(GattTesting.onlyRejection(m, RejectionReason.NO_VALUE).detail())
        .isEqualTo("MDC_TEMP_BODY: " + detail);
  }
}
