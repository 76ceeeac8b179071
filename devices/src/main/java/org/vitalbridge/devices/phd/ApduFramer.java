package org.vitalbridge.devices.phd;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a byte stream into APDUs by their 4-byte header (choice, length). Only the six APDU
 * choices frame; anything else is not a 20601 stream. The u16 length bounds every APDU to 64 KiB.
 */
final class ApduFramer {
  private ApduFramer() {}

  static boolean knownChoice(int choice) {
    return choice >= Phd.AARQ && choice <= Phd.PRST && (choice & 0xFF) == 0;
  }

  static List<byte[]> split(byte[] stream) {
    List<byte[]> out = new ArrayList<>();
    MderReader r = new MderReader(stream);
    while (r.hasRemaining()) {
      int start = r.offset();
      int choice = r.u16("APDU choice");
      if (!knownChoice(choice)) {
        throw new MderException(start, String.format("not an APDU choice: 0x%04X", choice));
      }
      int length = r.u16("APDU length");
      r.skip(length, "APDU");
      byte[] apdu = new byte[4 + length];
      System.arraycopy(stream, start, apdu, 0, apdu.length);
      out.add(apdu);
    }
    return out;
  }
}
