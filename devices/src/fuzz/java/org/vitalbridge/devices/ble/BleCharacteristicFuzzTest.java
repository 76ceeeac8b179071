package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;

/**
 * Jazzer target for the seven GATT characteristic decoders (profile {@code fuzz}, see
 * docs/devices/fuzzing.md). The jqwik properties next to the decoders draw bytes at random; this
 * one lets coverage steer the flags bytes into every optional-field combination.
 */
class BleCharacteristicFuzzTest {
  private static final String[] SUPPORTED = {
    "2A37", "2A35", "2A1C", "2A5E", "2A5F", "2A9D", "2A18"
  };

  /** Readings taken from an SFLOAT (2 bytes at the offset the reading's value field names). */
  private static final Set<String> SFLOAT_VALUES = Set.of("2A35", "2A5E", "2A5F", "2A18");

  /** {@code value[5]:mean arterial pressure}: the byte offset of the field a reading came from. */
  private static final Pattern OFFSET = Pattern.compile("\\[(\\d+)\\]:");

  @FuzzTest(maxDuration = "60s")
  void characteristic(FuzzedDataProvider data) {
    String uuid = SUPPORTED[data.consumeInt(0, SUPPORTED.length - 1)];
    byte[] value = data.consumeRemainingAsBytes();
    MappingResult.Mapped m =
        BleGattDecoder.decodeCharacteristic(uuid, value, "AA:BB:CC:DD:EE:FF", ZoneOffset.UTC);

    for (Rejection r : m.rejected()) {
      // GattDispatch turns a decoder's RuntimeException into this rejection so the pipeline
      // survives it; for the fuzzer it is still a bug, so it must fail here.
      assertThat(r.detail()).doesNotContain("cannot decode (");
    }
    for (DeviceReading r : m.readings()) {
      // new BigDecimal rejects NaN, Infinity and anything that is not a finite decimal.
      new BigDecimal(r.value());
      int offset = offset(r);
      if (SFLOAT_VALUES.contains(uuid)) {
        int raw = (value[offset] & 0xFF) | (value[offset + 1] & 0xFF) << 8;
        assertThat(GattNumber.sfloat(raw).isSpecial())
            .as("%s at offset %d is a special SFLOAT but gave %s", uuid, offset, r.value())
            .isFalse();
      } else if (uuid.equals("2A1C")) {
        long raw = 0;
        for (int i = 3; i >= 0; i--) {
          raw = raw << 8 | (value[offset + i] & 0xFF);
        }
        assertThat(GattNumber.float32(raw).isSpecial())
            .as("temperature at offset %d is a special FLOAT but gave %s", offset, r.value())
            .isFalse();
      }
    }
  }

  private static int offset(DeviceReading r) {
    Matcher matcher = OFFSET.matcher(r.fields().value());
    assertThat(matcher.find()).as("value field %s names an offset", r.fields().value()).isTrue();
    return Integer.parseInt(matcher.group(1));
  }
}
