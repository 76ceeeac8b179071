package org.vitalbridge.devices.phd;

import java.time.ZoneId;
import java.util.Map;
import org.vitalbridge.core.pipeline.MediaTypeParameters;

/**
 * The journaled report's media type: {@code application/vnd.vitalbridge.phd-report; config=0x0190;
 * system-id=0011223344556677[; zone=Europe/Berlin]}. The parameters are what the decoder cannot
 * find in the bytes: the configuration agreed at association and the agent's system-id (both in the
 * AARQ, which is not journaled with every report).
 */
record PhdContentType(int configId, String systemId, ZoneId zone) {
  static final String BASE = "application/vnd.vitalbridge.phd-report";

  String format() {
    return BASE
        + "; config="
        + ScanReportDecoder.hex(configId)
        + "; system-id="
        + systemId
        + (zone == null ? "" : "; zone=" + zone.getId());
  }

  static boolean matches(String contentType) {
    return MediaTypeParameters.baseType(contentType).equalsIgnoreCase(BASE);
  }

  /** Throws {@link IllegalArgumentException} naming the bad parameter. */
  static PhdContentType parse(String contentType) {
    Map<String, String> p = MediaTypeParameters.parse(contentType);
    String config = p.get("config");
    if (config == null || !config.toLowerCase(java.util.Locale.ROOT).startsWith("0x")) {
      throw new IllegalArgumentException("content type needs config=0xNNNN");
    }
    int id = Integer.parseInt(config.substring(2), 16);
    if (id < 0 || id > 0xFFFF) {
      throw new IllegalArgumentException("config out of range: " + config);
    }
    String systemId = p.getOrDefault("system-id", "");
    if (!systemId.matches("([0-9A-Fa-f]{2})*")) {
      throw new IllegalArgumentException("system-id is not hex: " + systemId);
    }
    String zone = p.get("zone");
    return new PhdContentType(
        id, systemId.toUpperCase(java.util.Locale.ROOT), zone == null ? null : ZoneId.of(zone));
  }

  /** The device id measurements carry: the EUI-64 as upper-case hex pairs joined by dashes. */
  static String deviceId(String systemIdHex) {
    StringBuilder b = new StringBuilder(systemIdHex.length() * 3 / 2);
    for (int i = 0; i + 1 < systemIdHex.length(); i += 2) {
      if (i > 0) {
        b.append('-');
      }
      b.append(systemIdHex, i, i + 2);
    }
    return b.toString();
  }
}
