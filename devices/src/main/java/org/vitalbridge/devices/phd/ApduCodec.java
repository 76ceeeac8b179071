package org.vitalbridge.devices.phd;

import java.util.HexFormat;

/**
 * Reads one APDU (choice, length, content) and writes the APDUs a manager sends. Decoding throws
 * only {@link MderException}; the callers turn it into a rejection or an ABRT.
 */
final class ApduCodec {
  /** The manager's own EUI-64 in the AARE: fixed, it names no real device. */
  static final byte[] MANAGER_SYSTEM_ID = HexFormat.of().parseHex("5642524944474530");

  private ApduCodec() {}

  static Apdu decode(byte[] apdu) {
    MderReader r = new MderReader(apdu);
    int choice = r.u16("APDU choice");
    MderReader body = r.lengthPrefixed("APDU");
    r.expectEnd("APDU");
    Apdu out =
        switch (choice) {
          case Phd.AARQ -> aarq(body);
          case Phd.AARE -> new Apdu.Aare(body.u16("associate result"));
          case Phd.RLRQ -> new Apdu.Rlrq(body.u16("release reason"));
          case Phd.RLRE -> new Apdu.Rlre(body.u16("release reason"));
          case Phd.ABRT -> new Apdu.Abrt(body.u16("abort reason"));
          case Phd.PRST -> prst(body);
          default ->
              throw new MderException(0, String.format("unknown APDU choice 0x%04X", choice));
        };
    if (!(out instanceof Apdu.Aarq || out instanceof Apdu.Aare)) {
      body.expectEnd("APDU");
    }
    return out;
  }

  private static Apdu.Aarq aarq(MderReader r) {
    long assocVersion = r.u32("assoc-version");
    int count = r.u16("data-proto-list count");
    MderReader list = r.window(r.u16("data-proto-list length"), "data-proto-list");
    for (int i = 0; i < count; i++) {
      int id = list.u16("data-proto-id");
      MderReader info = list.lengthPrefixed("data-proto-info");
      if (id != Phd.DATA_PROTO_ID_20601) {
        continue;
      }
      long protocol = info.u32("protocol-version");
      int encoding = info.u16("encoding-rules");
      long nomenclature = info.u32("nomenclature-version");
      info.u32("functional-units");
      long systemType = info.u32("system-type");
      MderReader sysId = info.lengthPrefixed("system-id");
      byte[] systemId = sysId.bytes(sysId.remaining(), "system-id");
      int config = info.u16("dev-config-id");
      return new Apdu.Aarq(
          assocVersion,
          true,
          protocol,
          encoding,
          nomenclature,
          systemType,
          HexFormat.of().withUpperCase().formatHex(systemId),
          config);
    }
    return new Apdu.Aarq(assocVersion, false, 0, 0, 0, 0, "", 0);
  }

  private static Apdu.Prst prst(MderReader r) {
    MderReader data = r.lengthPrefixed("DATA-apdu");
    r.expectEnd("PRST");
    int invokeId = data.u16("invoke-id");
    int choice = data.u16("message choice");
    MderReader msg = data.lengthPrefixed("message");
    data.expectEnd("DATA-apdu");
    return new Apdu.Prst(invokeId, choice, new Apdu.Bytes(msg.bytes(msg.remaining(), "message")));
  }

  // --- what the manager sends ---

  static byte[] aare(int result, boolean mder) {
    MderWriter info =
        new MderWriter()
            .u32(Phd.PROTOCOL_VERSION1)
            .u16(mder ? Phd.ENCODING_MDER : 0)
            .u32(Phd.NOMENCLATURE_VERSION1)
            .u32(0) // functional units
            .u32(Phd.SYS_TYPE_MANAGER)
            .lengthPrefixed(MANAGER_SYSTEM_ID)
            .u16(0) // manager-config-response
            .u32(0) // data-req-mode-capab
            .u32(0); // option list: count 0, length 0
    MderWriter body =
        new MderWriter().u16(result).u16(Phd.DATA_PROTO_ID_20601).lengthPrefixed(info.toBytes());
    return apdu(Phd.AARE, body.toBytes());
  }

  static byte[] rlrq(int reason) {
    return apdu(Phd.RLRQ, new MderWriter().u16(reason).toBytes());
  }

  static byte[] rlre(int reason) {
    return apdu(Phd.RLRE, new MderWriter().u16(reason).toBytes());
  }

  static byte[] abrt(int reason) {
    return apdu(Phd.ABRT, new MderWriter().u16(reason).toBytes());
  }

  /** rors-cmip-confirmed-event-report answering {@code invokeId} for {@code eventType}. */
  static byte[] eventReportResult(int invokeId, int eventType, byte[] replyInfo) {
    byte[] result =
        new MderWriter()
            .u16(0) // obj-handle: the MDS
            .u32(0) // currentTime: the manager keeps no relative time
            .u16(eventType)
            .lengthPrefixed(replyInfo)
            .toBytes();
    return prst(invokeId, Phd.RORS_CONFIRMED_EVENT_REPORT, result);
  }

  static byte[] prst(int invokeId, int choice, byte[] message) {
    byte[] data = new MderWriter().u16(invokeId).u16(choice).lengthPrefixed(message).toBytes();
    return apdu(Phd.PRST, new MderWriter().lengthPrefixed(data).toBytes());
  }

  static byte[] apdu(int choice, byte[] body) {
    return new MderWriter().u16(choice).lengthPrefixed(body).toBytes();
  }
}
