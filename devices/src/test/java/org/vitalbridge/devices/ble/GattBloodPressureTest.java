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
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;

class GattBloodPressureTest {
  static IntStream everyFlagCombination() {
    return IntStream.range(0, 32);
  }

  /** 120/80 (93) mmHg or 16.0/10.7 (12.4) kPa, 2026-03-08 02:30:00, pulse 72, user 3. */
  static GattBytes payload(int flags, int status) {
    GattBytes b = GattBytes.flags(flags);
    if ((flags & 0x01) != 0) {
      b.sfloat(160, -1).sfloat(107, -1).sfloat(124, -1);
    } else {
      b.sfloat(120, 0).sfloat(80, 0).sfloat(93, 0);
    }
    if ((flags & 0x02) != 0) {
      b.dateTime(2026, 3, 8, 2, 30, 0);
    }
    if ((flags & 0x04) != 0) {
      b.sfloat(72, 0);
    }
    if ((flags & 0x08) != 0) {
      b.u8(3);
    }
    if ((flags & 0x10) != 0) {
      b.u16(status);
    }
    return b;
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void decodesEveryFlagCombination(int flags) {
    MappingResult.Mapped m = decode("2A35", payload(flags, 0));
    assertThat(m.rejected()).isEmpty();
    boolean kpa = (flags & 0x01) != 0;
    assertThat(GattTesting.labels(m))
        .containsExactlyElementsOf(
            (flags & 0x04) != 0
                ? java.util.List.of(
                    "MDC_PRESS_BLD_NONINV_SYS",
                    "MDC_PRESS_BLD_NONINV_DIA",
                    "MDC_PRESS_BLD_NONINV_MEAN",
                    "MDC_PULS_RATE_NON_INV")
                : java.util.List.of(
                    "MDC_PRESS_BLD_NONINV_SYS",
                    "MDC_PRESS_BLD_NONINV_DIA",
                    "MDC_PRESS_BLD_NONINV_MEAN"));
    DeviceReading sys = reading(m, "MDC_PRESS_BLD_NONINV_SYS");
    assertThat(sys.value()).isEqualTo(kpa ? "16.0" : "120");
    assertThat(sys.unit()).isEqualTo(kpa ? "kPa" : "mm[Hg]");
    assertThat(reading(m, "MDC_PRESS_BLD_NONINV_MEAN").value()).isEqualTo(kpa ? "12.4" : "93");
    if ((flags & 0x02) != 0) {
      assertThat(sys.timestamp()).isEqualTo("2026-03-08T02:30:00");
      assertThat(sys.timeSpec().format()).isEqualTo(TimeFormat.LOCAL);
      assertThat(sys.timeSpec().zone()).isEqualTo(GattTesting.NEW_YORK);
    } else {
      assertThat(sys.timestamp()).isNull();
    }
    if ((flags & 0x04) != 0) {
      assertThat(reading(m, "MDC_PULS_RATE_NON_INV").value()).isEqualTo("72");
      assertThat(reading(m, "MDC_PULS_RATE_NON_INV").unit()).isEqualTo("/min");
    }
    m.readings().forEach(r -> assertThat(r.deviceFlags()).isEmpty());
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void everyTruncationIsMalformed(int flags) {
    byte[] full = payload(flags, 0).bytes();
    for (int n = 0; n < full.length; n++) {
      MappingResult.Mapped m =
          BleGattDecoder.decodeCharacteristic(
              "2A35", Arrays.copyOf(full, n), "d", GattTesting.NEW_YORK);
      assertThat(m.readings()).isEmpty();
      GattTesting.onlyRejection(m, RejectionReason.MALFORMED_PAYLOAD);
    }
  }

  @ParameterizedTest
  @CsvSource({
    // status bit, flags on pressures, flags on pulse
    "0x0001, QUESTIONABLE, QUESTIONABLE", // body movement
    "0x0002, QUESTIONABLE, QUESTIONABLE", // cuff too loose
    "0x0004, DEVICE_ALARM, DEVICE_ALARM", // irregular pulse
    "0x0008, , DEVICE_ALARM", // pulse rate above upper limit
    "0x0010, , DEVICE_ALARM", // pulse rate below lower limit
    "0x0018, , ", // pulse rate range reserved
    "0x0020, QUESTIONABLE, QUESTIONABLE", // improper measurement position
  })
  void measurementStatusBecomesFlags(String status, String pressure, String pulse) {
    MappingResult.Mapped m = decode("2A35", payload(0x14, Integer.decode(status)));
    assertThat(reading(m, "MDC_PRESS_BLD_NONINV_SYS").deviceFlags()).isEqualTo(flags(pressure));
    assertThat(reading(m, "MDC_PRESS_BLD_NONINV_DIA").deviceFlags()).isEqualTo(flags(pressure));
    assertThat(reading(m, "MDC_PULS_RATE_NON_INV").deviceFlags()).isEqualTo(flags(pulse));
  }

  private static Set<MeasurementFlag> flags(String name) {
    return name == null ? Set.of() : Set.of(MeasurementFlag.valueOf(name));
  }

  @Test
  void specialValuesAreNoValueNeverNumbers() {
    GattBytes b = GattBytes.flags(0x04).u16(0x07FF).sfloat(80, 0).u16(0x0800).u16(0x07FE);
    MappingResult.Mapped m = decode("2A35", b);
    assertThat(GattTesting.labels(m)).containsExactly("MDC_PRESS_BLD_NONINV_DIA");
    assertThat(m.rejected())
        .extracting(r -> r.reason() + " " + r.field() + " " + r.detail())
        .containsExactly(
            "NO_VALUE value[1]:systolic MDC_PRESS_BLD_NONINV_SYS: SFLOAT NaN (0x07FF)",
            "NO_VALUE value[5]:mean arterial pressure MDC_PRESS_BLD_NONINV_MEAN: SFLOAT NRes"
                + " (0x0800)",
            "NO_VALUE value[7]:pulse rate MDC_PULS_RATE_NON_INV: SFLOAT +INF (0x07FE)");
  }

  @Test
  void unknownDeviceTimeUsesHubTimeAndInvalidTimeRejects() {
    MappingResult.Mapped unknown =
        decode(
            "2A35",
            GattBytes.flags(0x02)
                .sfloat(120, 0)
                .sfloat(80, 0)
                .sfloat(93, 0)
                .dateTime(0, 0, 0, 0, 0, 0));
    assertThat(unknown.readings()).hasSize(3);
    assertThat(unknown.readings().get(0).timestamp()).isNull();

    MappingResult.Mapped invalid =
        decode(
            "2A35",
            GattBytes.flags(0x02)
                .sfloat(120, 0)
                .sfloat(80, 0)
                .sfloat(93, 0)
                .dateTime(2026, 13, 1, 0, 0, 0));
    assertThat(invalid.readings()).isEmpty();
    assertThat(GattTesting.onlyRejection(invalid, RejectionReason.BAD_TIMESTAMP).field())
        .isEqualTo("value[7]:time stamp");
  }
}
