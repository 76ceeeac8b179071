package org.vitalbridge.devices.phd;

import java.util.HexFormat;

/** The agent's side of the wire, for tests: APDUs an agent sends, built field by field. */
final class AgentApdus {
  static final String SYSTEM_ID = "0011223344556677";
  static final int EXTENDED_CONFIG = 0x4000;

  private AgentApdus() {}

  static byte[] aarq(String systemIdHex, int configId) {
    byte[] info =
        new MderWriter()
            .u32(Phd.PROTOCOL_VERSION1)
            .u16(0xA000) // MDER | PER
            .u32(Phd.NOMENCLATURE_VERSION1)
            .u32(0)
            .u32(Phd.SYS_TYPE_AGENT)
            .lengthPrefixed(HexFormat.of().parseHex(systemIdHex))
            .u16(configId)
            .u16(0x0001) // data-req-mode-flags
            .u8(1)
            .u8(0)
            .u32(0) // option list
            .toBytes();
    byte[] body =
        new MderWriter()
            .u32(Phd.ASSOC_VERSION1)
            .u16(1) // one data proto
            .u16(4 + info.length)
            .u16(Phd.DATA_PROTO_ID_20601)
            .lengthPrefixed(info)
            .toBytes();
    return ApduCodec.apdu(Phd.AARQ, body);
  }

  static byte[] eventReport(int invokeId, boolean confirmed, int eventType, byte[] info) {
    byte[] msg =
        new MderWriter().u16(0).u32(0xFFFFFFFFL).u16(eventType).lengthPrefixed(info).toBytes();
    return ApduCodec.prst(
        invokeId, confirmed ? Phd.ROIV_CONFIRMED_EVENT_REPORT : Phd.ROIV_EVENT_REPORT, msg);
  }

  static byte[] configReport(int invokeId, DeviceConfig config) {
    return eventReport(invokeId, true, Phd.NOTI_CONFIG, config.encodeReport(1));
  }

  /** A fixed scan report: pairs of (handle, obs-val-data). */
  static byte[] fixedScan(int invokeId, boolean confirmed, Object... handleAndData) {
    MderWriter list = new MderWriter();
    for (int i = 0; i < handleAndData.length; i += 2) {
      list.u16((Integer) handleAndData[i]).lengthPrefixed((byte[]) handleAndData[i + 1]);
    }
    byte[] info =
        new MderWriter()
            .u16(0xF000)
            .u16(invokeId)
            .u16(handleAndData.length / 2)
            .lengthPrefixed(list.toBytes())
            .toBytes();
    return eventReport(invokeId, confirmed, Phd.NOTI_SCAN_REPORT_FIXED, info);
  }

  /** A variable scan report of one object: (attribute-id, value) pairs. */
  static byte[] varScan(int invokeId, int handle, Object... idAndValue) {
    MderWriter attrs = new MderWriter();
    for (int i = 0; i < idAndValue.length; i += 2) {
      attrs.u16((Integer) idAndValue[i]).lengthPrefixed((byte[]) idAndValue[i + 1]);
    }
    byte[] a = attrs.toBytes();
    byte[] scan =
        new MderWriter().u16(handle).u16(idAndValue.length / 2).lengthPrefixed(a).toBytes();
    byte[] info = new MderWriter().u16(0xF000).u16(invokeId).u16(1).lengthPrefixed(scan).toBytes();
    return eventReport(invokeId, true, Phd.NOTI_SCAN_REPORT_VAR, info);
  }

  static byte[] rlrq() {
    return ApduCodec.rlrq(Phd.RELEASE_NORMAL);
  }

  static byte[] sfloat(int exponent, int mantissa) {
    return new MderWriter().u16(((exponent & 0xF) << 12) | (mantissa & 0x0FFF)).toBytes();
  }

  static byte[] float32(int exponent, int mantissa) {
    return new MderWriter().u32(((long) (exponent & 0xFF) << 24) | (mantissa & 0xFFFFFF)).toBytes();
  }

  static byte[] u16(int v) {
    return new MderWriter().u16(v).toBytes();
  }

  /** BCD absolute time from "YYYYMMDDhhmmssff". */
  static byte[] bcd(String digits) {
    return HexFormat.of().parseHex(digits);
  }

  static byte[] concat(byte[]... parts) {
    MderWriter w = new MderWriter();
    for (byte[] p : parts) {
      w.bytes(p);
    }
    return w.toBytes();
  }

  /** An extended configuration: one NU object (SpO2) reported with SFLOAT + time. */
  static DeviceConfig extendedOximeter() {
    return new DeviceConfig(
        EXTENDED_CONFIG,
        java.util.Map.of(
            7,
            StandardConfigs.nu(
                7,
                Phd.PULS_OXIM_SAT_O2,
                Phd.DIM_PERCENT,
                java.util.List.of(),
                StandardConfigs.entry(Phd.ATTR_NU_VAL_OBS_BASIC, 2),
                StandardConfigs.entry(Phd.ATTR_TIME_STAMP_ABS, 8))));
  }
}
