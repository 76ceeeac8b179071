package org.vitalbridge.devices.ble;

import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.Set;
import org.vitalbridge.core.model.MeasurementFlag;
import org.vitalbridge.core.model.RejectionReason;

/**
 * Glucose Measurement (0x2A18, Glucose Service): flags uint8 — bit 0 time offset present, bit 1
 * concentration, type and sample location present, bit 2 concentration in mol/L (else kg/L), bit 3
 * sensor status annunciation present, bit 4 context information follows (a separate characteristic,
 * ignored here); sequence number uint16, base time (Date Time), [time offset sint16 minutes],
 * [concentration SFLOAT, type (low nibble) and sample location (high nibble) uint8], [sensor status
 * annunciation uint16].
 *
 * <p>The measurement time is base time + time offset, a local time in the device's zone. kg/L is
 * written as mg/dL (× 10⁵) and mol/L as mmol/L (× 10³), exactly. The type picks the metric; types
 * without a verified MDC code (undetermined whole blood or plasma, interstitial fluid) and control
 * solution tests are kept out. Sensor status: bits 5 and 6 (result above / below what the device
 * can process) keep the value out — it is a bound, not a measurement; bits 1 sensor malfunction and
 * 10 general device fault are a {@link MeasurementFlag#DEVICE_ALARM} and {@link
 * MeasurementFlag#QUESTIONABLE}; bits 2–4 and 7–9 (sample, strip, temperature, read interrupted)
 * and 11 time fault are {@link MeasurementFlag#QUESTIONABLE}; bit 0 device battery low is a {@link
 * MeasurementFlag#DEVICE_ALARM}.
 */
final class GattGlucose implements GattCharacteristic {
  private static final String[] LABEL_BY_TYPE = {
    null,
    "MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD",
    "MDC_CONC_GLU_CAPILLARY_PLASMA",
    "MDC_CONC_GLU_VENOUS_WHOLEBLOOD",
    "MDC_CONC_GLU_VENOUS_PLASMA",
    "MDC_CONC_GLU_ARTERIAL_WHOLEBLOOD",
    "MDC_CONC_GLU_ARTERIAL_PLASMA",
  };
  private static final String[] TYPE_NAME = {
    "reserved",
    "capillary whole blood",
    "capillary plasma",
    "venous whole blood",
    "venous plasma",
    "arterial whole blood",
    "arterial plasma",
    "undetermined whole blood",
    "undetermined plasma",
    "interstitial fluid",
    "control solution",
  };
  private static final int CONTROL_SOLUTION_TYPE = 10;
  private static final int CONTROL_SOLUTION_LOCATION = 4;
  private static final int ALARM = 1 << 0 | 1 << 1 | 1 << 10;
  private static final int QUESTIONABLE =
      1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 7 | 1 << 8 | 1 << 9 | 1 << 10 | 1 << 11;

  @Override
  public int uuid() {
    return 0x2A18;
  }

  @Override
  public String name() {
    return "Glucose Measurement";
  }

  @Override
  public void decode(GattReader in, GattOutput out) throws GattFormatException {
    int flags = in.u8("flags");
    in.u16("sequence number");
    GattDateTime base = in.dateTime("base time");
    int offsetMinutes = (flags & 0x01) != 0 ? in.s16("time offset") : 0;
    boolean present = (flags & 0x02) != 0;
    GattNumber concentration = null;
    int typeAndLocation = 0;
    int concentrationOffset = in.position();
    if (present) {
      concentration = in.sfloat("glucose concentration");
      typeAndLocation = in.u8("type and sample location");
    }
    int status = (flags & 0x08) != 0 ? in.u16("sensor status annunciation") : 0;
    if (!present) {
      return;
    }
    LocalDateTime when = base.known() ? base.value().plusMinutes(offsetMinutes) : null;
    GattOutput.Stamp stamp = base.problem() != null ? out.stamp(base, 3) : out.stamp(when, 3);
    int type = typeAndLocation & 0x0F;
    int location = typeAndLocation >> 4;
    String label = type < LABEL_BY_TYPE.length ? LABEL_BY_TYPE[type] : null;
    String name = "glucose concentration";
    if (type == CONTROL_SOLUTION_TYPE || location == CONTROL_SOLUTION_LOCATION) {
      out.reject(
          RejectionReason.UNSUPPORTED_VALUE,
          name,
          concentrationOffset,
          "control solution test, not a patient's measurement");
      return;
    }
    if (label == null) {
      out.reject(
          RejectionReason.UNSUPPORTED_VALUE,
          "type and sample location",
          concentrationOffset + 2,
          "glucose type "
              + type
              + " ("
              + (type < TYPE_NAME.length ? TYPE_NAME[type] : "reserved")
              + ") has no verified MDC code");
      return;
    }
    if ((status & (1 << 5 | 1 << 6)) != 0) {
      out.noValue(
          label,
          name,
          concentrationOffset,
          "result "
              + ((status & 1 << 5) != 0 ? "above" : "below")
              + " what the device can measure (sensor status "
              + GattNumber.hex(status, 4)
              + ")");
      return;
    }
    Set<MeasurementFlag> quality = EnumSet.noneOf(MeasurementFlag.class);
    if ((status & ALARM) != 0) {
      quality.add(MeasurementFlag.DEVICE_ALARM);
    }
    if ((status & QUESTIONABLE) != 0) {
      quality.add(MeasurementFlag.QUESTIONABLE);
    }
    boolean molar = (flags & 0x04) != 0;
    GattNumber scaled =
        concentration.isSpecial()
            ? concentration
            : new GattNumber(concentration.value().scaleByPowerOfTen(molar ? 3 : 5), null);
    out.number(
        label,
        scaled,
        molar ? GattLabels.MMOL_PER_L : GattLabels.MG_PER_DL,
        stamp,
        quality,
        name,
        concentrationOffset);
  }
}
