package org.vitalbridge.devices.ble;

import java.util.EnumSet;
import java.util.Set;
import org.vitalbridge.core.model.MeasurementFlag;

/**
 * Blood Pressure Measurement (0x2A35, Blood Pressure Service): flags uint8 — bit 0 kPa (else mmHg),
 * bit 1 time stamp, bit 2 pulse rate, bit 3 user id, bit 4 measurement status; then systolic,
 * diastolic, mean arterial pressure (SFLOAT), [Date Time], [pulse rate SFLOAT], [user id uint8],
 * [measurement status uint16].
 *
 * <p>Measurement status: bit 0 body movement, bit 1 cuff too loose, bit 5 improper measurement
 * position make every value {@link MeasurementFlag#QUESTIONABLE}; bit 2 irregular pulse is a {@link
 * MeasurementFlag#DEVICE_ALARM} on every value; bits 3–4 pulse rate range (1 above the upper limit,
 * 2 below the lower limit) a {@link MeasurementFlag#DEVICE_ALARM} on the pulse rate.
 */
final class GattBloodPressure implements GattCharacteristic {

  @Override
  public int uuid() {
    return 0x2A35;
  }

  @Override
  public String name() {
    return "Blood Pressure Measurement";
  }

  @Override
  public void decode(GattReader in, GattOutput out) throws GattFormatException {
    int flags = in.u8("flags");
    String unit = (flags & 0x01) != 0 ? GattLabels.KILOPASCAL : GattLabels.MM_HG;
    GattNumber sys = in.sfloat("systolic");
    GattNumber dia = in.sfloat("diastolic");
    GattNumber mean = in.sfloat("mean arterial pressure");
    GattDateTime time = null;
    int timeOffset = in.position();
    if ((flags & 0x02) != 0) {
      time = in.dateTime("time stamp");
    }
    GattNumber pulse = null;
    int pulseOffset = in.position();
    if ((flags & 0x04) != 0) {
      pulse = in.sfloat("pulse rate");
    }
    if ((flags & 0x08) != 0) {
      // A user index of a multi-user cuff is not a patient id: not carried (see ble-hub.md).
      in.u8("user id");
    }
    int status = (flags & 0x10) != 0 ? in.u16("measurement status") : 0;
    GattOutput.Stamp stamp = out.stamp(time, timeOffset);

    Set<MeasurementFlag> all = EnumSet.noneOf(MeasurementFlag.class);
    if ((status & 0x01) != 0 || (status & 0x02) != 0 || (status & 0x20) != 0) {
      all.add(MeasurementFlag.QUESTIONABLE);
    }
    if ((status & 0x04) != 0) {
      all.add(MeasurementFlag.DEVICE_ALARM);
    }
    Set<MeasurementFlag> pulseFlags = EnumSet.noneOf(MeasurementFlag.class);
    pulseFlags.addAll(all);
    int range = (status >> 3) & 0x03;
    if (range == 1 || range == 2) {
      pulseFlags.add(MeasurementFlag.DEVICE_ALARM);
    }
    out.number(GattLabels.NIBP_SYS, sys, unit, stamp, all, "systolic", 1);
    out.number(GattLabels.NIBP_DIA, dia, unit, stamp, all, "diastolic", 3);
    out.number(GattLabels.NIBP_MEAN, mean, unit, stamp, all, "mean arterial pressure", 5);
    if (pulse != null) {
      out.number(
          GattLabels.NIBP_PULSE,
          pulse,
          GattLabels.PER_MIN,
          stamp,
          pulseFlags,
          "pulse rate",
          pulseOffset);
    }
  }
}
