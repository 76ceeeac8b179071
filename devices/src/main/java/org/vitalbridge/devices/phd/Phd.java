package org.vitalbridge.devices.phd;

import java.util.Map;

/**
 * IEEE 11073-20601 / -10101 numbers the manager uses. Checked against signove/antidote {@code
 * src/asn1/phd_types.h} and {@code src/dim/nomenclature.h}; SCADA term codes against STANDARDS.md
 * (32-bit code minus 2 x 65536).
 */
final class Phd {
  private Phd() {}

  // APDU choices (first u16 of every APDU).
  static final int AARQ = 0xE200;
  static final int AARE = 0xE300;
  static final int RLRQ = 0xE400;
  static final int RLRE = 0xE500;
  static final int ABRT = 0xE600;
  static final int PRST = 0xE700;

  static final long ASSOC_VERSION1 = 0x80000000L;
  static final long PROTOCOL_VERSION1 = 0x80000000L;
  static final long NOMENCLATURE_VERSION1 = 0x80000000L;
  static final int ENCODING_MDER = 0x8000;
  static final long SYS_TYPE_MANAGER = 0x80000000L;
  static final long SYS_TYPE_AGENT = 0x00800000L;
  static final int DATA_PROTO_ID_20601 = 20601;

  // Associate-result.
  static final int ACCEPTED = 0;
  static final int REJECTED_PERMANENT = 1;
  static final int ACCEPTED_UNKNOWN_CONFIG = 3;
  static final int REJECTED_NO_COMMON_PROTOCOL = 4;
  static final int REJECTED_NO_COMMON_PARAMETER = 5;
  static final int REJECTED_UNKNOWN = 6;
  static final int REJECTED_UNSUPPORTED_ASSOC_VERSION = 8;

  // Abort-reason.
  static final int ABORT_UNDEFINED = 0;
  static final int ABORT_BUFFER_OVERFLOW = 1;
  static final int ABORT_RESPONSE_TIMEOUT = 2;
  static final int ABORT_CONFIGURATION_TIMEOUT = 3;

  static final int RELEASE_NORMAL = 0;

  // DATA-apdu message choices.
  static final int ROIV_EVENT_REPORT = 0x0100;
  static final int ROIV_CONFIRMED_EVENT_REPORT = 0x0101;
  static final int RORS_CONFIRMED_EVENT_REPORT = 0x0201;
  static final int ROER = 0x0300;
  static final int RORJ = 0x0400;

  // Event types (MDC_NOTI_*).
  static final int NOTI_CONFIG = 3356; // 0x0D1C
  static final int NOTI_SCAN_REPORT_FIXED = 3357; // 0x0D1D
  static final int NOTI_SCAN_REPORT_VAR = 3358; // 0x0D1E
  static final int NOTI_SCAN_REPORT_MP_FIXED = 3359; // 0x0D1F
  static final int NOTI_SCAN_REPORT_MP_VAR = 3360; // 0x0D20 (0x0D21 is MDC_NOTI_SEGMENT_DATA)

  // ConfigResult.
  static final int CONFIG_ACCEPTED = 0;
  static final int CONFIG_UNSUPPORTED = 1;

  // Object classes (MDC_MOC_*).
  static final int MOC_VMO_METRIC_NU = 6;

  // Attribute ids (MDC_ATTR_*).
  static final int ATTR_ID_TYPE = 2351;
  static final int ATTR_MSMT_STAT = 2375;
  static final int ATTR_NU_CMPD_VAL_OBS = 2379;
  static final int ATTR_NU_VAL_OBS = 2384;
  static final int ATTR_TIME_STAMP_ABS = 2448;
  static final int ATTR_UNIT_CODE = 2454;
  static final int ATTR_NU_VAL_OBS_BASIC = 2636;
  static final int ATTR_ATTRIBUTE_VAL_MAP = 2645;
  static final int ATTR_NU_VAL_OBS_SIMP = 2646;
  static final int ATTR_NU_CMPD_VAL_OBS_SIMP = 2676;
  static final int ATTR_NU_CMPD_VAL_OBS_BASIC = 2677;
  static final int ATTR_ID_PHYSIO_LIST = 2678;

  // MeasurementStatus bits (BITS-16, bit 0 = MSB).
  static final int MS_INVALID = 0x8000;
  static final int MS_QUESTIONABLE = 0x4000;
  static final int MS_NOT_AVAILABLE = 0x2000;
  static final int MS_CALIBRATION_ONGOING = 0x1000;
  static final int MS_TEST_DATA = 0x0800;
  static final int MS_DEMO_DATA = 0x0400;

  static final int PART_SCADA = 2;
  static final int PART_DIM = 4;

  // SCADA term codes.
  static final int PULS_OXIM_SAT_O2 = 19384; // 150456
  static final int PULS_OXIM_PULS_RATE = 18458; // 149530
  static final int PRESS_BLD_NONINV = 18948; // 150020
  static final int PRESS_BLD_NONINV_SYS = 18949; // 150021
  static final int PRESS_BLD_NONINV_DIA = 18950; // 150022
  static final int PRESS_BLD_NONINV_MEAN = 18951; // 150023
  static final int PULS_RATE_NON_INV = 18474; // 149546
  static final int TEMP_BODY = 19292; // 150364
  static final int MASS_BODY_ACTUAL = 57664; // 188736
  static final int CONC_GLU_CAPILLARY_WHOLEBLOOD = 29112; // 160184

  // DIM term codes.
  static final int DIM_PERCENT = 544;
  static final int DIM_BEAT_PER_MIN = 2720;
  static final int DIM_MMHG = 3872;
  static final int DIM_DEGC = 6048;
  static final int DIM_KILO_G = 1731;
  static final int DIM_MILLI_G_PER_DL = 2130;

  /** DIM term code to UCUM (STANDARDS.md, STANDARDS-extended.md units tables). */
  static final Map<Integer, String> UCUM =
      Map.ofEntries(
          Map.entry(544, "%"),
          Map.entry(512, "1"),
          Map.entry(2720, "/min"),
          Map.entry(2784, "/min"),
          Map.entry(3872, "mm[Hg]"),
          Map.entry(3843, "kPa"),
          Map.entry(6048, "Cel"),
          Map.entry(4416, "[degF]"),
          Map.entry(1731, "kg"),
          Map.entry(1760, "[lb_av]"),
          Map.entry(1297, "cm"),
          Map.entry(1376, "[in_i]"),
          Map.entry(1952, "kg/m2"),
          Map.entry(2130, "mg/dL"),
          Map.entry(4722, "mmol/L"));

  /** The unit as UCUM, else the 32-bit MDC code as text (the harmonizer knows some aliases). */
  static String unit(int dimCode) {
    String ucum = UCUM.get(dimCode);
    return ucum != null ? ucum : Integer.toString(PART_DIM * 65536 + dimCode);
  }

  /** The 32-bit MDC code as the reading's label: the metrics table matches it exactly. */
  static String label(int partition, int code) {
    return Long.toString(partition * 65536L + code);
  }
}
