package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vitalbridge.devices.ble.GattTesting.decode;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RejectionReason;

class GattHeartRateTest {
  static IntStream everyFlagCombination() {
    return IntStream.range(0, 32);
  }

  /** Heart rate 0x0102 (uint16) or 0x48 (uint8), energy 0x0190 kJ, RR 1024 and 512 ticks. */
  static GattBytes payload(int flags) {
    GattBytes b = GattBytes.flags(flags);
    if ((flags & 0x01) != 0) {
      b.u16(258);
    } else {
      b.u8(72);
    }
    if ((flags & 0x08) != 0) {
      b.u16(400);
    }
    if ((flags & 0x10) != 0) {
      b.u16(1024).u16(512);
    }
    return b;
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void decodesEveryFlagCombination(int flags) {
    MappingResult.Mapped m = decode("2A37", payload(flags));
    assertThat(m.rejected()).isEmpty();
    List<DeviceReading> r = m.readings();
    assertThat(r).hasSize((flags & 0x10) != 0 ? 3 : 1);
    DeviceReading hr = r.get(0);
    assertThat(hr.label()).isEqualTo("MDC_PULS_RATE");
    assertThat(hr.value()).isEqualTo((flags & 0x01) != 0 ? "258" : "72");
    assertThat(hr.unit()).isEqualTo("/min");
    assertThat(hr.device()).isEqualTo("AA:BB:CC:DD:EE:FF");
    assertThat(hr.timestamp()).as("no device time, no hub time").isNull();
    boolean notDetected = ((flags >> 1) & 3) == 2;
    for (DeviceReading x : r) {
      assertThat(x.deviceFlags().contains(MeasurementFlag.QUESTIONABLE)).isEqualTo(notDetected);
    }
    if ((flags & 0x10) != 0) {
      assertThat(r.get(1).label()).isEqualTo("MDC_ECG_TIME_PD_RR_GL");
      assertThat(r.get(1).value()).isEqualTo("1000");
      assertThat(new java.math.BigDecimal(r.get(2).value())).isEqualByComparingTo("500");
      assertThat(r.get(2).unit()).isEqualTo("ms");
    }
  }

  @ParameterizedTest
  @MethodSource("everyFlagCombination")
  void everyTruncationIsMalformedWithItsOffset(int flags) {
    byte[] full = payload(flags).bytes();
    int base = full.length - ((flags & 0x10) != 0 ? 4 : 0);
    for (int n = 0; n < full.length; n++) {
      if (n >= base && (n - base) % 2 == 0) {
        continue; // fewer RR-intervals is still a whole value
      }
      byte[] cut = Arrays.copyOf(full, n);
      MappingResult.Mapped m =
          BleGattDecoder.decodeCharacteristic("2A37", cut, "d", GattTesting.NEW_YORK);
      assertThat(m.readings()).as("%d of %d bytes", n, full.length).isEmpty();
      assertThat(GattTesting.onlyRejection(m, RejectionReason.MALFORMED_PAYLOAD).field())
          .startsWith("value[");
    }
  }

  @Test
  void sensorContactDetectedOrUnsupportedIsNotQuestionable() {
    for (int contact : new int[] {0, 1, 3}) {
      MappingResult.Mapped m = decode("2A37", GattBytes.flags(contact << 1).u8(60));
      assertThat(m.readings().get(0).deviceFlags()).isEmpty();
    }
  }

  @Test
  void oddRrBytesNameTheOffset() {
    MappingResult.Mapped m = decode("2A37", GattBytes.flags(0x10).u8(60).u16(800).u8(1));
    assertThat(GattTesting.onlyRejection(m, RejectionReason.MALFORMED_PAYLOAD).field())
        .isEqualTo("value[2]:RR-interval");
  }
}
