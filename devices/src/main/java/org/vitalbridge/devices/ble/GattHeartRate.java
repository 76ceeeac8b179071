package org.vitalbridge.devices.ble;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vitalbridge.core.model.MeasurementFlag;

/**
 * Heart Rate Measurement (0x2A37, Heart Rate Service): flags uint8 — bit 0 heart rate is uint16
 * (else uint8), bits 1–2 sensor contact status, bit 3 energy expended (uint16 kJ) present, bit 4
 * RR-intervals present (uint16 each, 1/1024 s, as many as fit, oldest first). No time stamp: the
 * hub's receive time stands in.
 */
final class GattHeartRate implements GattCharacteristic {
  /** 1/1024 s in milliseconds, exact: 1000 / 1024 = 0.9765625. */
  private static final BigDecimal MS_PER_TICK = new BigDecimal("0.9765625");

  /** Sensor contact status 2: supported, but contact not detected (the value is doubtful). */
  private static final int CONTACT_NOT_DETECTED = 2;

  @Override
  public int uuid() {
    return 0x2A37;
  }

  @Override
  public String name() {
    return "Heart Rate Measurement";
  }

  @Override
  public void decode(GattReader in, GattOutput out) throws GattFormatException {
    int flags = in.u8("flags");
    int hr = (flags & 0x01) != 0 ? in.u16("heart rate") : in.u8("heart rate");
    int hrOffset = in.fieldOffset();
    if ((flags & 0x08) != 0) {
      // Energy expended: no verified MDC code, so not carried (docs/devices/ble-hub.md).
      in.u16("energy expended");
    }
    List<int[]> rr = new ArrayList<>();
    if ((flags & 0x10) != 0) {
      if (in.remaining() % 2 != 0) {
        throw new GattFormatException(
            in.position(),
            "RR-interval",
            "RR-intervals take 2 bytes each but "
                + in.remaining()
                + " byte(s) remain at offset "
                + in.position());
      }
      while (in.remaining() > 0) {
        int ticks = in.u16("RR-interval");
        rr.add(new int[] {ticks, in.fieldOffset()});
      }
    }
    Set<MeasurementFlag> quality =
        ((flags >> 1) & 0x03) == CONTACT_NOT_DETECTED
            ? Set.of(MeasurementFlag.QUESTIONABLE)
            : Set.of();
    GattOutput.Stamp stamp = out.hubStamp();
    out.reading(
        GattLabels.HEART_RATE,
        BigDecimal.valueOf(hr),
        GattLabels.PER_MIN,
        stamp,
        quality,
        "heart rate",
        hrOffset);
    for (int[] interval : rr) {
      out.reading(
          GattLabels.RR_INTERVAL,
          BigDecimal.valueOf(interval[0]).multiply(MS_PER_TICK).stripTrailingZeros(),
          GattLabels.MILLISECOND,
          stamp,
          quality,
          "RR-interval",
          interval[1]);
    }
  }
}
