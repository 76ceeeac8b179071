package org.vitalbridge.devices.ble;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.vitalbridge.core.model.DeviceReading;
import org.vitalbridge.core.model.Rejection;
import org.vitalbridge.core.model.RejectionReason;
import org.vitalbridge.core.time.TimeFormat;
import org.vitalbridge.core.time.TimeSpec;

/**
 * Reads the hub message contract (docs/devices/ble-hub.md): one notification object or an array of
 * them. A notification that breaks the contract is rejected alone; the others still decode.
 */
final class BleHubMessages {
  private static final Pattern MAC =
      Pattern.compile("[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}");

  private BleHubMessages() {}

  /** Decodes {@code root} (an object or an array) into {@code readings} and {@code rejected}. */
  static void decode(
      JsonNode root, String channelDevice, List<DeviceReading> readings, List<Rejection> rejected) {
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        notification(root.get(i), "$[" + i + "]", channelDevice, readings, rejected);
      }
    } else {
      notification(root, "$", channelDevice, readings, rejected);
    }
  }

  private static void notification(
      JsonNode n,
      String path,
      String channelDevice,
      List<DeviceReading> readings,
      List<Rejection> rejected) {
    if (!n.isObject()) {
      rejected.add(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD, path, "a hub notification must be a JSON object"));
      return;
    }
    String device = text(n, "device");
    if (device == null) {
      device = channelDevice;
    }
    if (device == null || device.isBlank()) {
      rejected.add(
          new Rejection(
              RejectionReason.MISSING_FIELD, path + ".device", "no BLE device id (MAC or id)"));
      return;
    }
    String characteristic = text(n, "characteristic");
    if (characteristic == null) {
      rejected.add(
          new Rejection(
              RejectionReason.MISSING_FIELD,
              path + ".characteristic",
              "no characteristic UUID (e.g. \"2A35\")"));
      return;
    }
    boolean hasHex = n.has("value");
    boolean hasBase64 = n.has("valueBase64");
    if (hasHex == hasBase64) {
      rejected.add(
          new Rejection(
              hasHex ? RejectionReason.MALFORMED_PAYLOAD : RejectionReason.MISSING_FIELD,
              path + ".value",
              hasHex
                  ? "both value and valueBase64 given: send exactly one"
                  : "no value (hex) or valueBase64"));
      return;
    }
    String valueField = path + (hasHex ? ".value" : ".valueBase64");
    String encoded = text(n, hasHex ? "value" : "valueBase64");
    byte[] value;
    try {
      if (encoded == null) {
        throw new IllegalArgumentException("not a string");
      }
      value = hasHex ? GattHex.parse(encoded) : Base64.getDecoder().decode(encoded.strip());
    } catch (IllegalArgumentException e) {
      rejected.add(
          new Rejection(
              RejectionReason.MALFORMED_PAYLOAD,
              valueField,
              (hasHex ? "value is not hex: " : "valueBase64 is not base64: ") + e.getMessage()));
      return;
    }
    JsonNode at = n.get("receivedAt");
    String hubTime = null;
    TimeSpec hubSpec = TimeSpec.of(TimeFormat.ISO);
    if (at != null && !at.isNull()) {
      if (at.isTextual()) {
        hubTime = at.asText();
      } else if (at.isIntegralNumber()) {
        hubTime = at.asText();
        hubSpec = TimeSpec.of(TimeFormat.EPOCH);
      } else {
        rejected.add(
            new Rejection(
                RejectionReason.BAD_TIMESTAMP,
                path + ".receivedAt",
                "receivedAt must be an ISO-8601 string or epoch milliseconds"));
        return;
      }
    }
    GattContext context =
        new GattContext(
            normalizeDevice(device), text(n, "location"), hubTime, hubSpec, null, valueField);
    GattDispatch.decode(characteristic, value, context, readings, rejected);
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
  }

  /**
   * A MAC address (colons, dashes or bare) as upper case with colons, {@code AA:BB:CC:DD:EE:FF}, so
   * that one device is one id whichever way its hub writes it; any other id trimmed.
   */
  static String normalizeDevice(String device) {
    String d = device.strip();
    if (!MAC.matcher(d).matches()) {
      return d;
    }
    String hex = d.replace(":", "").replace("-", "").toUpperCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(17);
    for (int i = 0; i < 12; i += 2) {
      if (i > 0) {
        b.append(':');
      }
      b.append(hex, i, i + 2);
    }
    return b.toString();
  }
}
