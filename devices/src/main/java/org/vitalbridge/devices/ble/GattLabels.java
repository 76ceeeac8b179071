package org.vitalbridge.devices.ble;

/**
 * The MDC reference ids the BLE decoders label readings with (core's metrics.yaml resolves them),
 * and the UCUM units they write. See docs/devices/ble-hub.md for why each was chosen.
 */
final class GattLabels {
  private GattLabels() {}

  /**
   * Heart Rate Service: the generic pulse rate (149514), not MDC_ECG_HEART_RATE, because the
   * service does not say how the rate was sensed (chest straps sense ECG, wrist bands light).
   */
  static final String HEART_RATE = "MDC_PULS_RATE";

  static final String RR_INTERVAL = "MDC_ECG_TIME_PD_RR_GL";
  static final String NIBP_SYS = "MDC_PRESS_BLD_NONINV_SYS";
  static final String NIBP_DIA = "MDC_PRESS_BLD_NONINV_DIA";
  static final String NIBP_MEAN = "MDC_PRESS_BLD_NONINV_MEAN";
  static final String NIBP_PULSE = "MDC_PULS_RATE_NON_INV";
  static final String BODY_TEMPERATURE = "MDC_TEMP_BODY";
  static final String SPO2 = "MDC_PULS_OXIM_SAT_O2";
  static final String OXIMETER_PULSE = "MDC_PULS_OXIM_PULS_RATE";
  static final String WEIGHT = "MDC_MASS_BODY_ACTUAL";
  static final String HEIGHT = "MDC_LEN_BODY_ACTUAL";
  static final String BMI = "MDC_RATIO_MASS_BODY_LEN_SQ";

  static final String PER_MIN = "/min";
  static final String MILLISECOND = "ms";
  static final String MM_HG = "mm[Hg]";
  static final String KILOPASCAL = "kPa";
  static final String CELSIUS = "Cel";
  static final String FAHRENHEIT = "[degF]";
  static final String PERCENT = "%";
  static final String KILOGRAM = "kg";
  static final String POUND = "[lb_av]";
  static final String METRE = "m";
  static final String INCH = "[in_i]";
  static final String KG_PER_M2 = "kg/m2";
  static final String MG_PER_DL = "mg/dL";
  static final String MMOL_PER_L = "mmol/L";
}
