package org.vitalbridge.devices.ble;

/**
 * PLX Spot-Check Measurement (0x2A5E, Pulse Oximeter Service): flags uint8 — bit 0 time stamp, bit
 * 1 measurement status, bit 2 device and sensor status, bit 3 pulse amplitude index, bit 4 device
 * clock is not set; SpO2 SFLOAT (%), pulse rate SFLOAT (/min), [Date Time], [measurement status
 * uint16], [device and sensor status uint24], [pulse amplitude index SFLOAT].
 *
 * <p>With "device clock is not set" the device's time stamp is ignored and the hub's time used. The
 * pulse amplitude index is not carried (no verified MDC code; it is not the perfusion index).
 */
final class GattPlxSpotCheck implements GattCharacteristic {

  @Override
  public int uuid() {
    return 0x2A5E;
  }

  @Override
  public String name() {
    return "PLX Spot-Check Measurement";
  }

  @Override
  public void decode(GattReader in, GattOutput out) throws GattFormatException {
    int flags = in.u8("flags");
    GattNumber spo2 = in.sfloat("SpO2");
    GattNumber pulse = in.sfloat("pulse rate");
    GattDateTime time = null;
    int timeOffset = in.position();
    if ((flags & 0x01) != 0) {
      time = in.dateTime("time stamp");
    }
    int measurementStatus = (flags & 0x02) != 0 ? in.u16("measurement status") : 0;
    int deviceStatus = (flags & 0x04) != 0 ? in.u24("device and sensor status") : 0;
    if ((flags & 0x08) != 0) {
      in.sfloat("pulse amplitude index");
    }
    boolean clockNotSet = (flags & 0x10) != 0;
    GattOutput.Stamp stamp = clockNotSet ? out.hubStamp() : out.stamp(time, timeOffset);
    GattPlxStatus.of(measurementStatus, deviceStatus).emit(out, spo2, 1, pulse, 3, stamp);
  }
}
