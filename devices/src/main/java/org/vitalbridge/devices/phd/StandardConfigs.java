package org.vitalbridge.devices.phd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standard configurations the manager knows without a config report. Layouts as in
 * signove/antidote {@code src/specializations/*.c} (handles, types, units, value maps), except: the
 * pulse oximeter's value maps carry the Absolute-Time-Stamp as STANDARDS.md states (Antidote's map
 * omits it while its own reports send it; a fixed report that stops after the value is read as
 * value only), and the thermometer (Antidote has none) follows the same pattern as the glucose
 * meter: MDC_TEMP_BODY in Cel, Basic-Nu-Observed-Value + Absolute-Time-Stamp.
 */
final class StandardConfigs {
  static final int PULSE_OXIMETER = 0x0190;
  static final int PULSE_OXIMETER_2 = 0x0191;
  static final int BLOOD_PRESSURE = 0x02BC;
  static final int THERMOMETER = 0x0320;
  static final int WEIGHING_SCALE = 0x05DC;
  static final int GLUCOSE_METER = 0x06A4;

  private static final DeviceConfig.MapEntry BASIC = entry(Phd.ATTR_NU_VAL_OBS_BASIC, 2);
  private static final DeviceConfig.MapEntry SIMPLE = entry(Phd.ATTR_NU_VAL_OBS_SIMP, 4);
  private static final DeviceConfig.MapEntry CMPD_BASIC_3 =
      entry(Phd.ATTR_NU_CMPD_VAL_OBS_BASIC, 10);
  private static final DeviceConfig.MapEntry TIME = entry(Phd.ATTR_TIME_STAMP_ABS, 8);

  private static final Map<Integer, DeviceConfig> CONFIGS = build();

  private StandardConfigs() {}

  static Optional<DeviceConfig> find(int configId) {
    return Optional.ofNullable(CONFIGS.get(configId));
  }

  private static Map<Integer, DeviceConfig> build() {
    Map<Integer, DeviceConfig> m = new LinkedHashMap<>();
    for (int id : new int[] {PULSE_OXIMETER, PULSE_OXIMETER_2}) {
      m.put(
          id,
          config(
              id,
              nu(1, Phd.PULS_OXIM_SAT_O2, Phd.DIM_PERCENT, List.of(), BASIC, TIME),
              nu(10, Phd.PULS_OXIM_PULS_RATE, Phd.DIM_BEAT_PER_MIN, List.of(), BASIC, TIME)));
    }
    m.put(
        BLOOD_PRESSURE,
        config(
            BLOOD_PRESSURE,
            nu(
                1,
                Phd.PRESS_BLD_NONINV,
                Phd.DIM_MMHG,
                List.of(
                    Phd.PRESS_BLD_NONINV_SYS, Phd.PRESS_BLD_NONINV_DIA, Phd.PRESS_BLD_NONINV_MEAN),
                CMPD_BASIC_3,
                TIME),
            nu(2, Phd.PULS_RATE_NON_INV, Phd.DIM_BEAT_PER_MIN, List.of(), BASIC, TIME)));
    m.put(
        THERMOMETER,
        config(THERMOMETER, nu(1, Phd.TEMP_BODY, Phd.DIM_DEGC, List.of(), BASIC, TIME)));
    m.put(
        WEIGHING_SCALE,
        config(
            WEIGHING_SCALE, nu(1, Phd.MASS_BODY_ACTUAL, Phd.DIM_KILO_G, List.of(), SIMPLE, TIME)));
    m.put(
        GLUCOSE_METER,
        config(
            GLUCOSE_METER,
            nu(
                1,
                Phd.CONC_GLU_CAPILLARY_WHOLEBLOOD,
                Phd.DIM_MILLI_G_PER_DL,
                List.of(),
                BASIC,
                TIME)));
    return Map.copyOf(m);
  }

  private static DeviceConfig config(int id, DeviceConfig.ConfigObject... objects) {
    Map<Integer, DeviceConfig.ConfigObject> byHandle = new LinkedHashMap<>();
    for (DeviceConfig.ConfigObject o : objects) {
      byHandle.put(o.handle(), o);
    }
    return new DeviceConfig(id, byHandle);
  }

  static DeviceConfig.ConfigObject nu(
      int handle, int code, int unit, List<Integer> physio, DeviceConfig.MapEntry... map) {
    return new DeviceConfig.ConfigObject(
        handle, Phd.MOC_VMO_METRIC_NU, Phd.PART_SCADA, code, unit, physio, List.of(map));
  }

  static DeviceConfig.MapEntry entry(int attributeId, int length) {
    return new DeviceConfig.MapEntry(attributeId, length);
  }
}
