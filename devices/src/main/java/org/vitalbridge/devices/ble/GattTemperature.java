package org.vitalbridge.devices.ble;

import java.util.Set;

/**
 * Temperature Measurement (0x2A1C, Health Thermometer Service): flags uint8 — bit 0 Fahrenheit
 * (else Celsius), bit 1 time stamp, bit 2 temperature type; value FLOAT, [Date Time], [type uint8:
 * 1 armpit, 2 body (general), 3 ear, 4 finger, 5 GI tract, 6 mouth, 7 rectum, 8 toe, 9 tympanum].
 *
 * <p>Every site is read as MDC_TEMP_BODY: site-specific MDC codes were not verified, so the site is
 * not carried (docs/devices/ble-hub.md).
 */
final class GattTemperature implements GattCharacteristic {

  @Override
  public int uuid() {
    return 0x2A1C;
  }

  @Override
  public String name() {
    return "Temperature Measurement";
  }

  @Override
  public void decode(GattReader in, GattOutput out) throws GattFormatException {
    int flags = in.u8("flags");
    String unit = (flags & 0x01) != 0 ? GattLabels.FAHRENHEIT : GattLabels.CELSIUS;
    GattNumber value = in.float32("temperature");
    GattDateTime time = null;
    int timeOffset = in.position();
    if ((flags & 0x02) != 0) {
      time = in.dateTime("time stamp");
    }
    if ((flags & 0x04) != 0) {
      in.u8("temperature type");
    }
    GattOutput.Stamp stamp = out.stamp(time, timeOffset);
    out.number(GattLabels.BODY_TEMPERATURE, value, unit, stamp, Set.of(), "temperature", 1);
  }
}
