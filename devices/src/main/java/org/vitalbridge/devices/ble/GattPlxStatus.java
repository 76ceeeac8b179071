package org.vitalbridge.devices.ble;

import java.util.EnumSet;
import java.util.Set;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RejectionReason;

/**
 * The Measurement Status (uint16) and Device and Sensor Status (uint24) fields shared by the PLX
 * Spot-Check and Continuous Measurements (Pulse Oximeter Service), read as flags on the values or
 * as a reason to keep the values out.
 *
 * <p>Measurement Status: bit 13 measurement unavailable and bit 15 invalid measurement detected
 * keep the values out ({@link RejectionReason#NO_VALUE}); bit 10 data for demonstration and bit 11
 * data for testing keep them out too ({@link RejectionReason#UNSUPPORTED_VALUE}: not a patient's
 * values); bit 6 early estimated data, bit 12 calibration ongoing and bit 14 questionable
 * measurement detected make them {@link MeasurementFlag#QUESTIONABLE}. Bits 5 (ongoing), 7
 * (validated), 8 (fully qualified) and 9 (from storage) change nothing.
 *
 * <p>Device and Sensor Status: bit 1 equipment malfunction, bit 11 sensor unconnected to user, bit
 * 14 sensor malfunctioning and bit 15 sensor disconnected are a {@link
 * MeasurementFlag#DEVICE_ALARM} and {@link MeasurementFlag#QUESTIONABLE}; bits 2 signal processing
 * irregularity, 3 inadequate signal, 4 poor signal, 5 low perfusion, 6 erratic signal, 7
 * non-pulsatile signal, 8 questionable pulse, 10 sensor interference, 12 unknown sensor and 13
 * sensor displaced are {@link MeasurementFlag#QUESTIONABLE}. Bits 0 and 9 change nothing.
 *
 * @param flags the flags every value of the measurement carries
 * @param refusal why the values are kept out, else {@code null}
 * @param refusalReason the rejection reason that goes with {@code refusal}
 */
record GattPlxStatus(Set<MeasurementFlag> flags, String refusal, RejectionReason refusalReason) {

  private static final int MS_QUESTIONABLE = 1 << 6 | 1 << 12 | 1 << 14;
  private static final int DSS_ALARM = 1 << 1 | 1 << 11 | 1 << 14 | 1 << 15;
  private static final int DSS_QUESTIONABLE =
      1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 10 | 1 << 12 | 1 << 13;

  static GattPlxStatus of(int measurementStatus, int deviceAndSensorStatus) {
    Set<MeasurementFlag> flags = EnumSet.noneOf(MeasurementFlag.class);
    if ((measurementStatus & MS_QUESTIONABLE) != 0
        || (deviceAndSensorStatus & DSS_QUESTIONABLE) != 0) {
      flags.add(MeasurementFlag.QUESTIONABLE);
    }
    if ((deviceAndSensorStatus & DSS_ALARM) != 0) {
      flags.add(MeasurementFlag.QUESTIONABLE);
      flags.add(MeasurementFlag.DEVICE_ALARM);
    }
    String status = " (PLX measurement status " + GattNumber.hex(measurementStatus, 4) + ")";
    if ((measurementStatus & 1 << 15) != 0) {
      return new GattPlxStatus(
          flags, "device detected an invalid measurement" + status, RejectionReason.NO_VALUE);
    }
    if ((measurementStatus & 1 << 13) != 0) {
      return new GattPlxStatus(
          flags, "device reports the measurement unavailable" + status, RejectionReason.NO_VALUE);
    }
    if ((measurementStatus & (1 << 10 | 1 << 11)) != 0) {
      return new GattPlxStatus(
          flags,
          "data for demonstration or testing, not a patient's measurement" + status,
          RejectionReason.UNSUPPORTED_VALUE);
    }
    return new GattPlxStatus(flags, null, null);
  }

  /** Emits SpO2 and pulse rate, or a rejection of each when the status keeps them out. */
  void emit(
      GattOutput out,
      GattNumber spo2,
      int spo2Offset,
      GattNumber pulse,
      int pulseOffset,
      GattOutput.Stamp stamp) {
    if (refusal != null) {
      out.reject(refusalReason, "SpO2", spo2Offset, GattLabels.SPO2 + ": " + refusal);
      out.reject(
          refusalReason, "pulse rate", pulseOffset, GattLabels.OXIMETER_PULSE + ": " + refusal);
      return;
    }
    out.number(GattLabels.SPO2, spo2, GattLabels.PERCENT, stamp, flags, "SpO2", spo2Offset);
    out.number(
        GattLabels.OXIMETER_PULSE,
        pulse,
        GattLabels.PER_MIN,
        stamp,
        flags,
        "pulse rate",
        pulseOffset);
  }
}
