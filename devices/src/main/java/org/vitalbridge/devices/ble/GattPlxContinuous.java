package org.vitalbridge.devices.ble;

/**
 * PLX Continuous Measurement (0x2A5F, Pulse Oximeter Service): flags uint8 — bit 0 SpO2PR-Fast, bit
 * 1 SpO2PR-Slow, bit 2 measurement status, bit 3 device and sensor status, bit 4 pulse amplitude
 * index present; SpO2PR-Normal (SpO2 SFLOAT, pulse rate SFLOAT), [SpO2PR-Fast], [SpO2PR-Slow],
 * [measurement status uint16], [device and sensor status uint24], [pulse amplitude index SFLOAT].
 * No time stamp: the hub's receive time stands in.
 *
 * <p>Only the Normal averaging is carried: Fast and Slow are other averages of the same quantity at
 * the same instant and would be conflicting measurements of one metric.
 */
final class GattPlxContinuous implements GattCharacteristic {

  @Override
  public int uuid() {
    return 0x2A5F;
  }

  @Override
  public String name() {
    return "PLX Continuous Measurement";
  }

  @Override
  public void decode(GattReader in, GattOutput out) throws GattFormatException {
    int flags = in.u8("flags");
    GattNumber spo2 = in.sfloat("SpO2");
    GattNumber pulse = in.sfloat("pulse rate");
    if ((flags & 0x01) != 0) {
      in.skip(4, "SpO2PR-Fast");
    }
    if ((flags & 0x02) != 0) {
      in.skip(4, "SpO2PR-Slow");
    }
    int measurementStatus = (flags & 0x04) != 0 ? in.u16("measurement status") : 0;
    int deviceStatus = (flags & 0x08) != 0 ? in.u24("device and sensor status") : 0;
    if ((flags & 0x10) != 0) {
      in.sfloat("pulse amplitude index");
    }
    GattPlxStatus.of(measurementStatus, deviceStatus).emit(out, spo2, 1, pulse, 3, out.hubStamp());
  }
}
