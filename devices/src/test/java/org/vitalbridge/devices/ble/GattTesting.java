package org.vitalbridge.devices.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.vitalbridge.core.mapping.MappingResult;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;

/** One-shot decoding as the tests use it. */
final class GattTesting {
  static final String DEVICE = "aa:bb:cc:dd:ee:ff";
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private GattTesting() {}

  static MappingResult.Mapped decode(String uuid, GattBytes bytes) {
    return BleGattDecoder.decodeCharacteristic(uuid, bytes.bytes(), DEVICE, NEW_YORK);
  }

  static DeviceReading reading(MappingResult.Mapped m, String label) {
    Optional<DeviceReading> r =
        m.readings().stream().filter(x -> x.label().equals(label)).findFirst();
    assertThat(r).as("reading %s in %s", label, m).isPresent();
    return r.get();
  }

  static List<String> labels(MappingResult.Mapped m) {
    return m.readings().stream().map(DeviceReading::label).toList();
  }

  static Rejection onlyRejection(MappingResult.Mapped m, RejectionReason reason) {
    assertThat(m.rejected()).as("rejections").hasSize(1);
    assertThat(m.rejected().get(0).reason()).isEqualTo(reason);
    return m.rejected().get(0);
  }
}
